import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { passwordAuth } from '../support/keystone-body.js';
import { CLI, envWithout, type Finished, runToEnd, startServer, stopServer } from '../support/processes.js';

// OpenStack's own clients (Debian's python3-keystoneauth1 and python3-openstackclient, which
// scripts/ensure-test-tools.sh installs) against a real server process, unchanged.

const PROBE = fileURLToPath(new URL('./keystoneauth-probe.py', import.meta.url));
/** Debian's interpreter, which has keystoneauth1; a pyenv `python3` earlier on PATH does not. */
const PYTHON = '/usr/bin/python3';
const ADMIN_PASSWORD = 'compat admin password';
const HOUR = 3_600_000;

/** The environment without the caller's own OpenStack settings (OS_CLOUD, OS_AUTH_URL, ...). */
const cleanEnv = (extra: Record<string, string> = {}) => envWithout('OS_', extra);

describe('OpenStack clients against a real server', () => {
  let server: ChildProcess | undefined;
  let dataDir: string;
  let url: string;
  let projectId: string;
  let jobId: string;
  const windowQuery = () => `start_time=${Date.now() - HOUR}&end_time=${Date.now() + HOUR}`;

  /** Runs the keystoneauth probe script and parses the one JSON object it prints. */
  async function keystoneauth(request: Record<string, unknown>) {
    const result = await runToEnd(PYTHON, [PROBE, JSON.stringify(request)]);
    if (result.code !== 0) throw new Error(`keystoneauth probe failed (${result.code}): ${result.stderr}`);
    return JSON.parse(result.stdout);
  }

  const adminAuth = (overrides: Record<string, string>) => ({
    username: 'admin',
    password: ADMIN_PASSWORD,
    user_domain_name: 'default',
    ...overrides,
  });

  const openstack = (args: string[], env = cleanEnv()) =>
    runToEnd('openstack', [...args, 'token', 'issue', '-f', 'json'], { env });

  const flags = (password: string) => [
    ...['--os-auth-url', `${url}/v3`, '--os-identity-api-version', '3'],
    ...['--os-username', 'admin', '--os-password', password, '--os-user-domain-name', 'default'],
    ...['--os-project-name', 'default', '--os-project-domain-name', 'default'],
  ];

  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npx tsc -b\` first`);
    const tools = await runToEnd('bash', [
      '-c',
      `${PYTHON} -c 'import keystoneauth1' && command -v openstack`,
    ]);
    if (tools.code !== 0)
      throw new Error('OpenStack clients missing: run `bash scripts/ensure-test-tools.sh`');

    dataDir = mkdtempSync(join(tmpdir(), 'ddm-jobs-compat-'));
    const started = await startServer(dataDir, { adminPassword: ADMIN_PASSWORD });
    server = started.child;
    url = started.url;

    // The admin's project id and one recorded task, so that the listings below are not empty.
    const issued = await fetch(`${url}/v3/auth/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(
        passwordAuth(
          { name: 'admin', domain: { id: 'default' }, password: ADMIN_PASSWORD },
          { project: { name: 'default', domain: { id: 'default' } } },
        ),
      ),
    });
    expect(issued.status).toBe(201);
    projectId = ((await issued.json()) as { token: { project: { id: string } } }).token.project.id;
    const recorded = await fetch(`${url}/internal/v1/jobs`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-auth-token': issued.headers.get('x-subject-token') ?? '',
      },
      body: JSON.stringify({
        project_id: projectId,
        name: 'CreateInstance',
        instance_id: 'inst0001',
        instance_name: 'ddm-compat',
      }),
    });
    expect(recorded.status).toBe(201);
    jobId = ((await recorded.json()) as { job: { id: string } }).job.id;
  });

  afterAll(async () => {
    if (server) await stopServer(server);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  /** What a keystoneauth session must see: its token and project, the ddm endpoint, the task list. */
  function expectWorkingSession(seen: Record<string, unknown>) {
    expect(seen).toMatchObject({
      project_id: projectId,
      endpoint: url,
      jobs: { status: 200, body: { total: 1, offset: 0, limit: 10, jobs: [{ id: jobId, process: '0%' }] } },
    });
    expect(seen.token).toMatch(/^\S{20,}$/);
  }

  describe('keystoneauth1', () => {
    it('signs in to a project given by id and lists its tasks through the catalog', async () => {
      const seen = await keystoneauth({
        plugin: 'v3',
        auth: adminAuth({ auth_url: `${url}/v3`, project_id: projectId }),
        jobs_query: windowQuery(),
      });
      expectWorkingSession(seen);
    });

    it('signs in to a project given by name and domain name', async () => {
      const seen = await keystoneauth({
        plugin: 'v3',
        auth: adminAuth({ auth_url: `${url}/v3`, project_name: 'default', project_domain_name: 'default' }),
        jobs_query: windowQuery(),
      });
      expectWorkingSession(seen);
    });

    it('discovers the v3 API from the unversioned URL and signs in through it', async () => {
      // The generic plugin reads GET / first; without a usable answer an unversioned URL fails.
      const seen = await keystoneauth({
        plugin: 'generic',
        auth: adminAuth({ auth_url: url, project_name: 'default', project_domain_name: 'default' }),
        jobs_query: windowQuery(),
      });
      expectWorkingSession(seen);
    });

    it('finds v3 at the root, at /v3 and at the /v3/ self link that discovery hands out', async () => {
      for (const at of [url, `${url}/v3`, `${url}/v3/`]) {
        expect(await keystoneauth({ discover: at })).toEqual({
          versions: [{ version: [3, 14], url: `${url}/v3/`, status: 'stable' }],
        });
      }
    });

    it('raises Unauthorized (HTTP 401) on a wrong password', async () => {
      const seen = await keystoneauth({
        plugin: 'v3',
        auth: adminAuth({ auth_url: `${url}/v3`, project_id: projectId, password: 'not the password' }),
        jobs_query: windowQuery(),
      });
      expect(seen).toEqual({
        error: {
          class: 'Unauthorized',
          http_status: 401,
          message: 'The request you have made requires authentication. (HTTP 401)',
        },
      });
    });
  });

  describe('the openstack command', () => {
    /** The token `openstack token issue -f json` printed must open the project's task list. */
    async function expectUsableToken(finished: Finished) {
      expect(finished, finished.stderr).toMatchObject({ code: 0 });
      const token = JSON.parse(finished.stdout) as { id: string; project_id: string; expires: string };
      expect(token.project_id).toBe(projectId);
      const listed = await fetch(`${url}/v3/${projectId}/jobs?${windowQuery()}`, {
        headers: { 'x-auth-token': token.id },
      });
      expect(listed.status).toBe(200);
      expect(await listed.json()).toMatchObject({ total: 1, jobs: [{ id: jobId }] });
    }

    it('issues a token with --os-* flags that lists the project tasks', async () => {
      await expectUsableToken(await openstack(flags(ADMIN_PASSWORD)));
    });

    it('issues a token from OS_* environment variables', async () => {
      const env = cleanEnv({
        OS_AUTH_URL: `${url}/v3`,
        OS_IDENTITY_API_VERSION: '3',
        OS_USERNAME: 'admin',
        OS_PASSWORD: ADMIN_PASSWORD,
        OS_USER_DOMAIN_NAME: 'default',
        OS_PROJECT_NAME: 'default',
        OS_PROJECT_DOMAIN_NAME: 'default',
      });
      await expectUsableToken(await openstack([], env));
    });

    it('exits non-zero and prints no token on a wrong password', async () => {
      const finished = await openstack(flags('not the password'));
      expect(finished.code).not.toBe(0);
      expect(finished.stdout).toBe('');
      expect(finished.stderr).toContain('(HTTP 401)');
    });
  });
});
