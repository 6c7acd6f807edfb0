import type { ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { startServe, stopProcess } from '../../scripts/serve-process.js';
import { passwordAuth } from '../support/keystone-body.js';
import { keepProcessLog } from '../support/run-logs.js';
import { ADMIN_PASSWORD, ddmJobs, REPO, signInAdmin, tempDirs } from './cli-process.js';

/**
 * `ddm-jobs serve --config FILE` (or DDM_JOBS_CONFIG) as operators use it, in real processes: a
 * flag beats its variable, which beats the file, which beats the default; relative paths are the
 * file's; every kind of mistake stops the start with exit 2, naming the file and the key, before
 * anything is written; a database password is never printed back; and the documented example,
 * which holds every key, starts as written.
 */

const EXAMPLE = join(REPO, 'docs/ddm-jobs.example.yaml');
const dirs = tempDirs();
const children = new Set<ChildProcess>();
afterEach(async () => {
  await Promise.all([...children].map((child) => stopProcess(child)));
  children.clear();
  dirs.removeAll();
});

/** Starts `ddm-jobs serve ARGS` with the admin password set, as the tests' other servers. */
function serve(args: string[], env: Record<string, string> = {}) {
  return startServe({
    args,
    env: { DDM_JOBS_ADMIN_PASSWORD: ADMIN_PASSWORD, ...env },
    spawned(child) {
      children.add(child);
      keepProcessLog(child, 'serve-config');
    },
  });
}

/** The region the identity catalog names: where `--region` shows. */
async function catalogRegion(url: string): Promise<string> {
  const response = await fetch(`${url}/v3/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(
      passwordAuth(
        { name: 'admin', domain: { name: 'default' }, password: ADMIN_PASSWORD },
        { project: { name: 'default', domain: { name: 'default' } } },
      ),
    ),
  });
  expect(response.status).toBe(201);
  const body = (await response.json()) as { token: { catalog: { endpoints: { region: string }[] }[] } };
  return body.token.catalog[0]?.endpoints[0]?.region as string;
}

/** The stdout lines of a server's output that are JSON records (stderr is kept apart by `serve`). */
const jsonLines = (text: string) =>
  text.split('\n').filter((line) => {
    try {
      return typeof JSON.parse(line) === 'object';
    } catch {
      return false;
    }
  });

/** Writes a configuration file into a fresh folder; returns its path. */
function configFile(text: string, name = 'ddm-jobs.yaml'): string {
  const file = join(dirs.make(), name);
  writeFileSync(file, text, { mode: 0o600 });
  return file;
}

describe('ddm-jobs serve --config', () => {
  it('takes what flags and variables leave unset from the file, paths from its folder', async () => {
    const file = configFile(
      'port: 0\ndata-dir: ./data\ndemo: false\nregion: file-region\nlog-format: pretty\n',
    );
    const server = await serve(['--config', file]);
    expect(await catalogRegion(server.url)).toBe('file-region');
    // data-dir ./data is the file's folder's, not the working directory's.
    const sqlite = join(file, '..', 'data', 'ddm-jobs.sqlite');
    expect(existsSync(sqlite)).toBe(true);
    expect(server.output()).toContain(`Configuration: ${file}`);
    // log-format pretty from the file: no line is JSON (the default would be json, on a pipe).
    expect(jsonLines(server.output())).toEqual([]);
  }, 30_000);

  it('lets a variable beat the file and a flag beat both (DDM_JOBS_CONFIG names the file)', async () => {
    const file = configFile(
      'port: 0\ndata-dir: ./data\ndemo: false\nregion: file-region\nlog-format: json\n',
    );
    const server = await serve(['--log-format', 'pretty'], {
      DDM_JOBS_CONFIG: file,
      DDM_JOBS_REGION: 'env-region',
      DDM_JOBS_LOG_FORMAT: 'json',
    });
    expect(await catalogRegion(server.url)).toBe('env-region');
    expect(jsonLines(server.output())).toEqual([]);
    expect(server.output()).toContain(`ddm-jobs listening on ${server.url}`);
  }, 30_000);

  it('reads a switch from its variable as people write it: 1 or true on, 0 or false off, else exit 2', async () => {
    /** The status of the emulator's reset, asked by admin (role service): 404 when it is off. */
    const resetStatus = async (url: string) => {
      const { token } = await signInAdmin(url);
      const reset = await fetch(`${url}/internal/v1/reset`, {
        method: 'POST',
        headers: { 'x-auth-token': token },
      });
      return reset.status;
    };
    const on = await serve(['--port', '0', '--data-dir', dirs.make(), '--no-demo'], {
      DDM_JOBS_EMULATOR: 'true',
    });
    expect(await resetStatus(on.url)).toBe(200);
    const off = await serve(['--port', '0', '--data-dir', dirs.make(), '--no-demo'], {
      DDM_JOBS_EMULATOR: 'false',
    });
    expect(await resetStatus(off.url)).toBe(404);
    const refused = await ddmJobs(['serve', '--port', '0', '--data-dir', dirs.make()], {
      env: { DDM_JOBS_EMULATOR: 'maybe' },
    });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      "DDM_JOBS_EMULATOR must be 1, true, yes or on (or 0, false, no, off to leave it off), not 'maybe'.",
    );
  }, 30_000);

  it('stops on every kind of mistake with exit 2, naming the file and the key, writing nothing', async () => {
    // Each file starts with data-dir ./data (which must not appear), unless the YAML is `alone`.
    const cases: { yaml: string; says: string; alone?: boolean }[] = [
      { yaml: 'porrt: 8080', says: 'unknown key "porrt"' },
      { yaml: 'config: other.yaml', says: 'unknown key "config"' },
      // The flag's own parser, so the same rule and words as `--port 70000`.
      {
        yaml: 'port: 70000',
        says: `key "port" has a bad value '70000': must be a port number from 0 to 65535.`,
      },
      {
        yaml: 'clock: sideways',
        says: `key "clock" has a bad value 'sideways': Allowed choices are real, virtual.`,
      },
      {
        yaml: 'log-format: xml',
        says: `key "log-format" has a bad value 'xml': Allowed choices are json, pretty.`,
      },
      { yaml: 'rate-limit: -1', says: `key "rate-limit" has a bad value '-1': must be a whole number` },
      { yaml: 'action-roles: ["te admin"]', says: 'key "action-roles" has a bad value' },
      { yaml: 'trust-proxy: [10.0.0.0/33]', says: `'10.0.0.0/33' has a prefix length outside 0 to 32` },
      { yaml: 'trust-proxy: [proxy.example]', says: `'proxy.example' is not an address or CIDR` },
      { yaml: 'demo: "no"', says: 'key "demo" must be true or false.' },
      { yaml: 'emulator: 1', says: 'key "emulator" must be true or false.' },
      { yaml: 'port: [8080]', says: 'key "port" must be a string or a number.' },
      { yaml: 'action-roles: {te_admin: true}', says: 'key "action-roles" must be a list of strings' },
      { yaml: 'port: [8080', says: 'not valid YAML at line' },
      { yaml: '- port: 8080', says: 'must be a YAML mapping', alone: true },
    ];
    const runs = await Promise.all(
      cases.map(async ({ yaml, alone }) => {
        const file = configFile(alone ? `${yaml}\n` : `data-dir: ./data\n${yaml}\n`);
        return { file, result: await ddmJobs(['serve', '--config', file]) };
      }),
    );
    runs.forEach(({ file, result }, index) => {
      const { says } = cases[index] as { says: string };
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toContain(`ddm-jobs: ${file}: `);
      expect(result.stderr).toContain(says);
      expect(result.stdout).toBe('');
      expect(existsSync(join(file, '..', 'data'))).toBe(false);
    });
    const missing = await ddmJobs(['serve', '--config', '/nonexistent/ddm-jobs.yaml']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(
      '/nonexistent/ddm-jobs.yaml: cannot read the configuration file (ENOENT).',
    );
  }, 30_000);

  it('never prints a database password back, and says when others may read it', async () => {
    const secret = 'pa55-in-the-file';
    const bad = configFile(`database-url: mysql://ddm:${secret}@127.0.0.1:1/ddm\n`);
    const refused = await ddmJobs(['serve', '--config', bad]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('key "database-url" must be a postgres:// or postgresql:// URL');
    expect(refused.stderr + refused.stdout).not.toContain(secret);

    // A server that cannot be reached: the start fails (exit 1) without the password in any line.
    const readable = configFile(`database-url: postgres://ddm:${secret}@127.0.0.1:1/ddm\n`);
    chmodSync(readable, 0o644);
    const failed = await ddmJobs(['serve', '--config', readable, '--port', '0']);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain(
      `ddm-jobs: warning: ${readable} holds a database password and other users may read it (mode 644): chmod 600 ${readable}`,
    );
    expect(failed.stderr + failed.stdout).not.toContain(secret);
    chmodSync(readable, 0o600);
    const quiet = await ddmJobs(['serve', '--config', readable, '--port', '0']);
    expect(quiet.stderr).not.toContain('warning');
  }, 30_000);

  it('starts the documented example as written, which holds every key serve has', async () => {
    const help = await ddmJobs(['serve', '--help']);
    const flags = [...help.stdout.matchAll(/^ {2}--([a-z-]+)/gm)].map((match) => match[1] as string);
    const keys = flags
      .filter((flag) => flag !== 'config' && flag !== 'help')
      .map((flag) => flag.replace(/^no-/, ''));
    expect(keys.length).toBeGreaterThan(25);
    const example = parseYaml(readFileSync(EXAMPLE, 'utf8')) as Record<string, unknown>;
    expect(Object.keys(example).sort()).toEqual([...keys].sort());

    // Only what cannot be used here is overridden, by flags (which beat the file): a free port
    // for 8080 and a temporary folder for /var/lib/ddm-jobs.
    const dataDir = dirs.make();
    const server = await serve(['--config', EXAMPLE, '--port', '0', '--data-dir', dataDir]);
    expect(await catalogRegion(server.url)).toBe(example.region);
    expect(existsSync(join(dataDir, 'ddm-jobs.sqlite'))).toBe(true);
    // log-format json: every line on stdout is a record; the notes are among them.
    const notes = jsonLines(server.output()).map((line) => (JSON.parse(line) as { msg: string }).msg);
    expect(notes).toContain(`ddm-jobs listening on ${server.url}`);
  }, 30_000);
});
