import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CLI, type Finished, runToEnd } from '../support/processes.js';
import { servers, tempDirs } from './cli-process.js';
import { isolatedEnv, sandbox, startTenantServer, type TenantServer } from './tenant-cli.js';

// `ddm-jobs list` against a real `ddm-jobs serve` holding 158 tasks, so that every listing
// spans more than one page of 128: the table people read, the data scripts read, the filters
// (tenant-list-filters.test.ts shows them answered by the server), the window, colour, and the usage errors.

const LOADS = '1d000000-0000-4000-8000-000000000001';
const FAILED_RESTARTS = '1d000000-0000-4000-8000-000000000002';
const MIGRATION = '1d000000-0000-4000-8000-000000000004';
const THREE_DAYS = '1d000000-0000-4000-8000-000000000005';
const TEN_DAYS = '1d000000-0000-4000-8000-000000000006';
const SCENARIO = `
project: default
instance: { id: 733c7e8d73a54c27b8308ec784a8be8cin09, name: ddm-orders }
tasks:
  # 140 finished, the newest two hours ago: they fill the first page and more.
  - { name: loadMetadata, id: ${LOADS}, start: -4h20m, count: 140, every: 1m,
      steps: [{ status: Running, over: 10s }, { status: Completed }] }
  # 12 failed restarts, older: all of them past the first page.
  - { name: RestartNode, id: ${FAILED_RESTARTS}, start: -6h, count: 12, every: 5m,
      steps: [{ status: Running, progress: 30, over: 1m }, { status: Failed, reason: "Node did not come back." }] }
  - { name: RestartNode, id: 1d000000-0000-4000-8000-000000000003, start: -6h30m, count: 3, every: 5m,
      steps: [{ status: Running, over: 1m }, { status: Completed }] }
  - { name: migrateLogicDb, id: ${MIGRATION}, database: db_orders, start: -1m,
      steps: [{ status: Running, progress: 100, over: 10h }] }
  - { name: CreateInstance, id: ${THREE_DAYS}, start: -3d, steps: [{ status: Running, over: 5m }, { status: Completed }] }
  - { name: CreateInstance, id: ${TEN_DAYS}, start: -10d, steps: [{ status: Running, over: 5m }, { status: Completed }] }
`;
const IN_SEVEN_DAYS = 157;
const KEYS = [
  'id',
  'name',
  'status',
  'created_time',
  'end_time',
  'process',
  'instance_name',
  'instance_id',
  'operations',
  'database_name',
  'fail_reason',
];
const ESC = '\u001b[';
const HOUR = 3_600_000;

interface Job {
  id: string;
  name: string;
  status: string;
  created_time: string;
}

const dirs = tempDirs();
const running = servers();
let server: TenantServer;
let box: ReturnType<typeof sandbox>;
const list = (args: string[], env: Record<string, string> = {}) =>
  box.run(['list', ...args], { env: { ...server.tokenEnv, ...env } });
const listJson = async (args: string[]): Promise<Job[]> => {
  const result = await list([...args, '--output', 'json']);
  if (result.code !== 0) throw new Error(`list ${args.join(' ')}: ${result.stderr}`);
  return JSON.parse(result.stdout);
};
/** The table's line of the task `id`, cut at the header's columns into `{HEADER: cell}`. */
function row(table: string, id: string): Record<string, string> {
  const [header = '', ...lines] = table.split('\n');
  const line = lines.find((l) => l.startsWith(id)) ?? '';
  const starts = [...header.matchAll(/\S+( \S+)*/g)].map((m) => [m[0], m.index] as const);
  return Object.fromEntries(
    starts.map(([name, start], i) => [name, line.slice(start, starts[i + 1]?.[1] ?? undefined).trim()]),
  );
}

beforeAll(async () => {
  server = await startTenantServer(running, dirs, SCENARIO);
  box = sandbox(dirs);
});
afterAll(async () => {
  await running.stopAll();
  dirs.removeAll();
});

describe('ddm-jobs list', () => {
  it('prints the last 7 days as an aligned table with relative times, newest first, no colour when piped', async () => {
    const result = await list([]);
    expect(result.code).toBe(0);
    const [header, ...lines] = result.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^ID +NAME +STATUS +INSTANCE +DATABASE +PROGRESS +CREATED +ENDED +FAIL REASON$/);
    expect(lines).toHaveLength(IN_SEVEN_DAYS);
    expect(lines[0]?.startsWith(MIGRATION)).toBe(true);
    expect(result.stdout).not.toContain(TEN_DAYS);
    expect(result.stdout).not.toContain(ESC);
    expect(row(result.stdout, MIGRATION)).toEqual({
      ID: MIGRATION,
      NAME: 'migrateLogicDb',
      STATUS: 'Running',
      INSTANCE: 'ddm-orders',
      DATABASE: 'db_orders',
      PROGRESS: expect.stringMatching(/^\d+%$/),
      CREATED: expect.stringMatching(/^\d+ (minutes?|seconds) ago$/),
      ENDED: '-',
      'FAIL REASON': '-',
    });
    expect(row(result.stdout, THREE_DAYS)).toMatchObject({
      STATUS: 'Completed',
      DATABASE: '-',
      PROGRESS: '-',
      CREATED: '3 days ago',
      ENDED: '3 days ago',
    });
    const failed = lines.filter((line) => line.includes(' Failed '));
    expect(failed).toHaveLength(12);
    for (const line of failed)
      expect(line).toMatch(/ Failed .* [56] hours ago +[56] hours ago +Node did not come back\.$/);
  });

  it('prints every task of the window as the API gives them with --output json or yaml', async () => {
    const jobs = await listJson([]);
    expect(jobs).toHaveLength(IN_SEVEN_DAYS);
    for (const job of jobs) expect(Object.keys(job)).toEqual(KEYS);
    const created = jobs.map((job) => job.created_time);
    expect([...created].sort().reverse()).toEqual(created);
    expect(new Set(jobs.map((job) => job.id)).size).toBe(IN_SEVEN_DAYS);
    const yaml = await list(['--output', 'yaml']);
    expect(yaml.code).toBe(0);
    expect(parse(yaml.stdout)).toEqual(jobs);
  });

  it('filters by status (any case) and exact names over every page', async () => {
    const failedRestarts = await listJson(['--status', 'failed', '--name', 'RestartNode']);
    expect(failedRestarts).toHaveLength(12);
    expect(failedRestarts.every((job) => job.name === 'RestartNode' && job.status === 'Failed')).toBe(true);
    expect(await listJson(['--name', 'RestartNode'])).toHaveLength(15);
    expect(await listJson(['--status', 'Running,failed'])).toHaveLength(13);
    const table = await list(['--status', 'Failed']);
    expect(table.stdout.trimEnd().split('\n')).toHaveLength(13);
    const none = await list(['--name', 'no such task']);
    expect([none.code, none.stdout]).toEqual([
      0,
      expect.stringMatching(/^No tasks matching the filters created between \S+Z and \S+Z\.\n$/),
    ]);
  });

  it('takes the window from --since or --start and --end', async () => {
    expect((await listJson(['--since', '1h'])).map((job) => job.id)).toEqual([MIGRATION]);
    expect(await listJson(['--since', '30d'])).toHaveLength(IN_SEVEN_DAYS + 1);
    const iso = (ms: number) => new Date(ms).toISOString();
    const window = await listJson([
      '--start',
      iso(Date.now() - 7 * HOUR),
      '--end',
      iso(Date.now() - 5 * HOUR),
    ]);
    expect(window).toHaveLength(15);
  });
});

describe('colour', () => {
  /** `ddm-jobs list` in a pseudo-terminal (util-linux `script`), as a person at a terminal runs it. */
  const inTerminal = (env: Record<string, string>): Promise<Finished> =>
    runToEnd('script', ['-qfec', `'${process.execPath}' '${CLI}' list --since 7h`, '/dev/null'], {
      cwd: box.home,
      env: isolatedEnv(box.home, { ...server.tokenEnv, TERM: 'xterm', ...env }),
    });

  it('paints statuses at a terminal, and not with NO_COLOR', async () => {
    const tty = await inTerminal({});
    expect(tty.code).toBe(0);
    expect(tty.stdout).toContain(`${ESC}31mFailed${ESC}39m`);
    expect(tty.stdout).toContain(`${ESC}32mCompleted${ESC}39m`);
    expect(tty.stdout).toContain(`${ESC}33mRunning${ESC}39m`);
    const noColor = await inTerminal({ NO_COLOR: '1' });
    expect(noColor.code).toBe(0);
    expect(noColor.stdout).toContain(' Failed ');
    expect(noColor.stdout).not.toContain(ESC);
  });

  it('paints statuses piped with FORCE_COLOR=1, and the columns still line up', async () => {
    const forced = await list(['--since', '7h'], { FORCE_COLOR: '1' });
    expect(forced.stdout).toContain(`${ESC}31mFailed${ESC}39m`);
    const stripped = forced.stdout
      .replaceAll(`${ESC}31m`, '')
      .replaceAll(`${ESC}32m`, '')
      .replaceAll(`${ESC}33m`, '');
    const [header = '', ...lines] = stripped.replaceAll(`${ESC}39m`, '').trimEnd().split('\n');
    const instance = header.indexOf('INSTANCE');
    expect(lines.join('\n')).not.toContain(ESC);
    expect(lines.length).toBeGreaterThan(100);
    for (const line of lines) expect(line.slice(instance, instance + 11)).toBe('ddm-orders ');
  });
});

describe('usage errors', () => {
  it.each([
    [['--since', '31d'], "option '--since <duration>' argument '31d' is invalid"],
    [['--since', '6x'], 'must be a number with a unit s, m, h or d, from 1s to 30d'],
    [['--start', '2026-11-20T00:00:00'], 'must be an ISO 8601 date and time with a zone'],
    [
      ['--since', '1h', '--start', '2026-11-20T00:00:00Z'],
      "option '--since <duration>' cannot be used with option '--start <time>'",
    ],
    [['--status', 'Done'], '"Done" is not a status; statuses: Running, Completed, Failed'],
    [['--end', '2026-11-20T00:00:00Z'], 'ddm-jobs: --end needs --start (or use --since).'],
    [['--start', '2020-01-01T00:00:00Z'], 'ddm-jobs: --start must lie within the last 30 days'],
    [['--output', 'xml'], "option '-o, --output <format>' argument 'xml' is invalid"],
  ])('exits 2 for %j', async (args, message) => {
    const result = await list(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stdout).toBe('');
  });
});

describe('help', () => {
  it.each(['list', 'get', 'cancel', 'retry', 'rollback', 'clean', 'switch', 'switch-window'])(
    'ddm-jobs %s --help shows the connection options and examples',
    async (command) => {
      const result = await box.run([command, '--help']);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('Connection options:\n  --os-cloud <name>');
      expect(result.stdout).toContain('a token wins over an access key, which wins over a password');
      expect(result.stdout).toMatch(
        new RegExp(`\\nExamples:\\n {2}\\$ (OS_CLOUD=otc )?ddm-jobs ${command}[ \\n]`),
      );
    },
  );
});
