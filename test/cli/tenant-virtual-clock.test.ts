import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI } from '../support/processes.js';
import { ADMIN_PASSWORD, REPO, servers, signInAdmin, tempDirs } from './cli-process.js';
import { adminAccessKey, isolatedEnv, sandbox } from './tenant-cli.js';

// The tenant commands against `ddm-jobs serve --emulator --clock virtual` whose clock stands
// eleven months before this machine's: every window, relative time and signature date must be
// the server's, which the CLI reads from the answers' Date header (docs/cli.md, "The server's
// clock"). On the machine's clock, `list` would look at December's week and find nothing.

const HEALTHY = join(REPO, 'scenarios/healthy-migration.yaml');
/** 05:00 UTC: the healthy migration's daily window (02:00 to 04:00) is over today. */
const CLOCK_START = '2026-01-01T05:00:00Z';
const MIGRATION = '6f1d2c3b-4a59-4e87-b6d5-c4b3a2918071';
const MANUAL = '0d9c8b7a-6f5e-4d3c-9b2a-1f0e9d8c7b6a';
const MINUTE = 60_000;

const dirs = tempDirs();
const running = servers();
let url: string;
let dataDir: string;
let token: string;
let projectId: string;
let box: ReturnType<typeof sandbox>;

beforeAll(async () => {
  dataDir = dirs.make();
  ({ url } = await running.start(dataDir, [
    '--emulator',
    '--clock',
    'virtual',
    '--clock-start',
    CLOCK_START,
    '--scenario',
    HEALTHY,
  ]));
  ({ token, projectId } = await signInAdmin(url));
  box = sandbox(dirs);
}, 30_000);

afterAll(async () => {
  await running.stopAll();
  dirs.removeAll();
});

const tokenEnv = () => ({ OS_AUTH_TOKEN: token, OS_PROJECT_ID: projectId, DDM_ENDPOINT: url });
const passwordEnv = () => ({
  OS_AUTH_URL: `${url}/v3`,
  OS_USERNAME: 'admin',
  OS_PASSWORD: ADMIN_PASSWORD,
  OS_USER_DOMAIN_NAME: 'default',
  OS_PROJECT_NAME: 'default',
});

async function advance(ms: number): Promise<void> {
  const response = await fetch(`${url}/internal/v1/clock`, {
    method: 'POST',
    headers: { 'x-auth-token': token, 'content-type': 'application/json' },
    body: JSON.stringify({ advance_ms: ms }),
  });
  expect(response.status).toBe(200);
}

/** The table's row of a task, its cells split on the column gaps. */
const rowOf = (stdout: string, id: string) =>
  stdout
    .split('\n')
    .find((line) => line.startsWith(id))
    ?.split(/ {2,}/);

describe('the server answers on its own clock', () => {
  it('dates every answer with the virtual clock (the Date header the CLI reads)', async () => {
    const response = await fetch(`${url}/healthz`);
    expect(response.headers.get('date')).toBe('Thu, 01 Jan 2026 05:00:00 GMT');
  });
});

describe('ddm-jobs on a virtual clock', () => {
  it('list looks at the last 7 days of the server’s clock, with times relative to it', async () => {
    const result = await box.run(['list'], { env: tokenEnv() });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    // Created at the server's now; the Date header's second may read as a second later.
    expect(rowOf(result.stdout, MIGRATION)).toEqual([
      MIGRATION,
      'migrateLogicDb',
      'Running',
      'ddm-orders',
      'db_orders',
      '0%',
      expect.stringMatching(/^(now|1 second ago)$/),
      '-',
    ]);
    expect(rowOf(result.stdout, MANUAL)?.[6]).toBe('2 minutes ago');
  });

  it('--since and --start count back from the server’s now, and refuse what is older than its 30 days', async () => {
    const since = await box.run(['list', '--since', '1m', '-o', 'json'], { env: tokenEnv() });
    expect(since.code).toBe(0);
    expect(JSON.parse(since.stdout).map((job: { id: string }) => job.id)).toEqual([MIGRATION]);

    const start = await box.run(['list', '--start', '2025-12-31T00:00:00Z', '-o', 'json'], {
      env: tokenEnv(),
    });
    expect(start.stderr).toBe('');
    expect(JSON.parse(start.stdout).map((job: { id: string }) => job.id)).toEqual([MIGRATION, MANUAL]);

    const old = await box.run(['list', '--start', '2025-11-01T00:00:00Z'], { env: tokenEnv() });
    expect(old.code).toBe(2);
    // The Date header drops the milliseconds: the CLI takes the latest instant it may mean.
    expect(old.stderr).toMatch(
      /^ddm-jobs: --start must lie within the last 30 days of the server's clock \(now 2026-01-01T05:00:0[0-2]Z\): the API keeps tasks for 30 days\.\n$/,
    );
  });

  it('follows the clock when it moves, with a password (the catalog’s endpoint) as with an access key', async () => {
    await advance(5 * MINUTE);
    const byPassword = await box.run(['list'], { env: passwordEnv() });
    expect(byPassword.stderr).toBe('');
    expect(rowOf(byPassword.stdout, MIGRATION)?.slice(5, 7)).toEqual(['50%', '5 minutes ago']);
    expect(rowOf(byPassword.stdout, MANUAL)?.[6]).toBe('7 minutes ago');

    // A signature dated by this machine's clock would be 11 months off: refused (15 minutes at most).
    const { ak, sk } = await adminAccessKey(dataDir);
    const byKey = await box.run(['list', '--since', '10m'], {
      env: { OS_ACCESS_KEY: ak, OS_SECRET_KEY: sk, OS_PROJECT_ID: projectId, DDM_ENDPOINT: url },
    });
    expect(byKey.stderr).toBe('');
    expect(rowOf(byKey.stdout, MIGRATION)?.[6]).toBe('5 minutes ago');
  });

  it('get shows the times relative to the server’s clock and the daily switch window', async () => {
    const result = await box.run(['get', MIGRATION], { env: tokenEnv() });
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^Created: +2026-01-01T05:00:00\+0000 \(5 minutes ago\)$/m);
    expect(result.stdout).toMatch(/^Switch window: +daily 02:00:00 to 04:00:00 \(the server's time zone\)$/m);
    const manual = await box.run(['get', MANUAL], { env: tokenEnv() });
    expect(manual.stdout).toMatch(/^Status: +ToBeSwitched$/m);
    expect(manual.stdout).toContain(`manual (ddm-jobs switch ${MANUAL})`);
  });

  it('watch finds the tasks executing on the server’s clock and follows them as it moves', async () => {
    // Piped: a line per change. The first poll shows the migration running at 50% (the other
    // one waits for its switch: not executing).
    const child = spawn(process.execPath, [CLI, 'watch', '--interval', '0.2'], {
      cwd: box.home,
      env: isolatedEnv(box.home, tokenEnv()),
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const firstPoll = new Promise<void>((resolve) =>
      child.stdout.on('data', (chunk) => {
        stdout += chunk;
        if (stdout.includes('50%')) resolve();
      }),
    );
    const exited = once(child, 'close');
    await firstPoll;
    expect(stdout).toMatch(/Running.*50%/);
    expect(stdout).not.toContain(MANUAL.slice(0, 8));
    // It reaches ToBeSwitched, which no longer executes: the watch ends by itself.
    await advance(10 * MINUTE);
    const [code] = await exited;
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).not.toContain('is executing.');
    expect(stdout).toMatch(/ToBeSwitched/);
  });
});
