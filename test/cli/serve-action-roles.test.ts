import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { ddmJobs, REPO, servers, tempDirs, tokenFor } from './cli-process.js';

/**
 * The role model of a real `ddm-jobs serve` process started with the documented bootstrap
 * example: its readonly user reads and is refused every action, its te_admin acts; and
 * `--action-roles` (DDM_JOBS_ACTION_ROLES) names other action roles, or stops a bad start.
 */

const EXAMPLE = join(REPO, 'docs/bootstrap.example.yaml');
const TENANT_A = '619d3e78f61b4be68bc5aa0b59edcf7b';

const dirs = tempDirs();
const running = servers();
afterEach(async () => {
  await running.stopAll();
  dirs.removeAll();
});

interface Declared {
  users: { name: string; password: string }[];
}
const declared = parseYaml(readFileSync(EXAMPLE, 'utf8')) as Declared;
const userNamed = (name: string) => declared.users.find((u) => u.name === name) as Declared['users'][number];

/** Records a Running migration task of tenant-a as the example's worker; returns its id. */
async function recordTask(url: string): Promise<string> {
  const id = randomUUID();
  const response = await fetch(`${url}/internal/v1/jobs`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-auth-token': await tokenFor(url, userNamed('ddm-worker'), TENANT_A),
    },
    body: JSON.stringify({
      id,
      project_id: TENANT_A,
      name: 'migrateLogicDb',
      instance_id: 'inst0001',
      instance_name: 'ddm-example',
      database_name: 'db_example',
      status: 'Running',
    }),
  });
  expect(response.status, await response.text()).toBe(201);
  return id;
}

/** Cancels the task as a user: the status and the error code, if any. */
async function cancelAs(url: string, user: string, id: string) {
  const path = `/v3/${TENANT_A}/instances/inst0001/databases/db_example/migration/jobs/${id}/cancel`;
  const response = await fetch(`${url}${path}`, {
    method: 'PUT',
    headers: { 'x-auth-token': await tokenFor(url, userNamed(user), TENANT_A) },
  });
  const body = (await response.json()) as { error_code?: string };
  return { status: response.status, code: body.error_code };
}

async function statusOf(url: string, user: string, id: string): Promise<string> {
  const response = await fetch(`${url}/v3/${TENANT_A}/jobs/${id}`, {
    headers: { 'x-auth-token': await tokenFor(url, userNamed(user), TENANT_A) },
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { job: { status: string } }).job.status;
}

const policyOf = async (url: string) => (await fetch(`${url}/policy`)).json();

describe('ddm-jobs serve: who may act', () => {
  it('with the bootstrap example: carol (readonly) reads and is refused; alice (te_admin) acts', async () => {
    const { url } = await running.start(dirs.make(), ['--bootstrap', EXAMPLE, '--no-demo']);
    expect(await policyOf(url)).toEqual({ action_roles: ['te_admin'] });
    const id = await recordTask(url);
    expect(await cancelAs(url, 'carol', id)).toEqual({ status: 403, code: 'APIGW.0302' });
    expect(await statusOf(url, 'carol', id)).toBe('Running');
    expect((await cancelAs(url, 'alice', id)).status).toBe(202);
    expect(await statusOf(url, 'carol', id)).toBe('Canceling');
  });

  it('--action-roles names the roles that act, in place of te_admin; DDM_JOBS_ACTION_ROLES too', async () => {
    const { url } = await running.start(dirs.make(), [
      '--bootstrap',
      EXAMPLE,
      '--no-demo',
      '--action-roles',
      'ddm_operator, readonly',
    ]);
    expect(await policyOf(url)).toEqual({ action_roles: ['ddm_operator', 'readonly'] });
    const id = await recordTask(url);
    expect(await cancelAs(url, 'alice', id)).toEqual({ status: 403, code: 'APIGW.0302' });
    expect((await cancelAs(url, 'carol', id)).status).toBe(202);

    const help = await ddmJobs(['serve', '--help']);
    expect(help.stdout).toContain('--action-roles <roles>');
    expect(help.stdout).toContain('DDM_JOBS_ACTION_ROLES');
  });

  it('refuses a bad list of roles as a usage error (exit 2) naming it, and does not start', async () => {
    const start = (args: string[], env: Record<string, string> = {}) =>
      ddmJobs(['serve', '--port', '0', '--data-dir', dirs.make(), ...args], { env });
    for (const value of ['', 'te_admin,,x', 'te admin', 'x'.repeat(65)]) {
      const bad = await start(['--action-roles', value]);
      expect(bad.code, value).toBe(2);
      expect(bad.stderr).toContain(`option '--action-roles <roles>' argument '${value}' is invalid`);
      expect(bad.stdout).not.toContain('listening');
    }
    const fromEnv = await start([], { DDM_JOBS_ACTION_ROLES: 'te_admin;readonly' });
    expect(fromEnv.code).toBe(2);
    expect(fromEnv.stderr).toContain(
      'role "te_admin;readonly" must be 1 to 64 of A-Z, a-z, 0-9, _, . and -.',
    );
  });
});
