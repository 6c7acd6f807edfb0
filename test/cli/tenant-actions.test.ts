import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { servers, tempDirs } from './cli-process.js';
import { REQUEST_ID, sandbox, startTenantServer, type TenantServer } from './tenant-cli.js';

// `ddm-jobs get` and the actions, each on a task of its own in the state the action needs,
// played by the simulator of a real `ddm-jobs serve`; reactions are an hour away, so each task
// stays where the action put it while the test looks.

const id = (n: number) => `0c7e3b1a-2d4f-4a6b-8c9d-0000000000${String(n).padStart(2, '0')}`;
const FOR_GET = id(1);
const FOR_CANCEL = id(2);
const FOR_RETRY = id(3);
const FOR_ROLLBACK = id(4);
const FOR_CLEAN = id(5);
const FOR_SWITCH = id(6);
const FOR_WINDOW = id(7);
const RUNNING = id(8);
const NOT_MIGRATION = id(9);
/** Older than the list's 30 days, younger than the retention's 37: only GET .../jobs/{id} shows it. */
const OLD = id(10);
const UNKNOWN = id(99);

const failed = (n: number, database: string) => `
  - name: migrateLogicDb
    id: ${id(n)}
    database: ${database}
    start: -10m
    steps:
      - { status: Running, progress: 62, over: 4m }
      - { status: Failed, reason: "Shard 3 of the source is unreachable: connection timed out." }
    on_cancel: { after: 1h }
    on_rollback: { after: 1h }
    on_retry: { steps: [{ status: Running, progress: 100, over: 1h }] }`;
const waiting = (n: number) => `
  - { name: migrateLogicDb, id: ${id(n)}, database: db_switch, start: -10m, on_switch: { after: 1h },
      steps: [{ status: Running, progress: 100, over: 2m }, { status: ToBeSwitched }] }`;
const SCENARIO = `
project: default
instance: { id: 733c7e8d73a54c27b8308ec784a8be8cin09, name: ddm-orders }
tasks:${failed(1, 'db_payments')}${failed(2, 'db_cancel')}${failed(3, 'db_retry')}${failed(4, 'db_rollback')}${waiting(6)}${waiting(7)}
  - { name: migrateLogicDb, id: ${FOR_CLEAN}, database: db_clean, start: -10m,
      steps: [{ status: Canceling, progress: 100, over: 30s }, { status: CancelSuccess }] }
  - { name: migrateLogicDb, id: ${RUNNING}, database: db_running, steps: [{ status: Running, progress: 100, over: 300d }] }
  - { name: CreateInstance, id: ${NOT_MIGRATION}, start: -1h, steps: [{ status: Running, over: 5m }, { status: Completed }] }
  - { name: migrateLogicDb, id: ${OLD}, database: db_old, start: -31d,
      steps: [{ status: Running, progress: 100, over: 1h }, { status: ToBeSwitched }] }
`;

const dirs = tempDirs();
const running = servers();
let server: TenantServer;
let run: (args: string[], env?: Record<string, string>) => ReturnType<ReturnType<typeof sandbox>['run']>;
beforeAll(async () => {
  server = await startTenantServer(running, dirs, SCENARIO);
  const box = sandbox(dirs);
  run = (args, env = server.tokenEnv) => box.run(args, { env });
});
afterAll(async () => {
  await running.stopAll();
  dirs.removeAll();
});

/** The task as `get --output json` shows it. */
async function task(taskId: string): Promise<Record<string, unknown>> {
  const result = await run(['get', taskId, '--output', 'json']);
  if (result.code !== 0) throw new Error(`get ${taskId}: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

describe('ddm-jobs get', () => {
  it('shows a task as key/value lines: database, fail reason and the actions it offers', async () => {
    const result = await run(['get', FOR_GET]);
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines.slice(0, 6)).toEqual([
      `ID:          ${FOR_GET}`,
      'Name:        migrateLogicDb',
      'Status:      Failed',
      'Instance:    ddm-orders (733c7e8d73a54c27b8308ec784a8be8cin09)',
      'Database:    db_payments',
      'Progress:    -',
    ]);
    expect(lines[6]).toMatch(/^Created: {5}\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000 \(10 minutes ago\)$/);
    expect(lines[7]).toMatch(/^Ended: {7}\S+\+0000 \(6 minutes ago\)$/);
    expect(lines.slice(8)).toEqual([
      'Fail reason: Shard 3 of the source is unreachable: connection timed out.',
      'Actions:     cancel, retry, rollback',
      '',
      // A migration's details follow; the scenario recorded none, and its window is manual.
      'Shards:            - -> -',
      'Data nodes before: -',
      'Data nodes after:  -',
      'Migrating node:    -',
      'Exclusive:         no',
      `Switch window:     manual (ddm-jobs switch ${FOR_GET})`,
      '',
    ]);
  });

  it('prints the task as the list gives it with --output json', async () => {
    expect(await task(FOR_GET)).toEqual({
      id: FOR_GET,
      name: 'migrateLogicDb',
      status: 'Failed',
      created_time: expect.any(String),
      end_time: expect.any(String),
      process: '',
      instance_name: 'ddm-orders',
      instance_id: '733c7e8d73a54c27b8308ec784a8be8cin09',
      operations: ['toBeCanceled', 'toBeRetried', 'toBeRolled'],
      database_name: 'db_payments',
      fail_reason: 'Shard 3 of the source is unreachable: connection timed out.',
    });
  });

  it('falls back to GET .../jobs/{id} for a task older than the list’s 30 days', async () => {
    const result = await run(['get', OLD]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      new RegExp(
        `^ID: +${OLD}\nName: +migrateLogicDb\nStatus: +ToBeSwitched\nInstance: +ddm-orders \\(733c7e8d73a54c27b8308ec784a8be8cin09\\)\nProgress: +-\nCreated: +\\S+ \\(31 days ago\\)\nEnded: +-\n$`,
      ),
    );
    expect(Object.keys(await task(OLD))).toEqual([
      'id',
      'name',
      'status',
      'created_time',
      'end_time',
      'process',
      'instance',
    ]);
    const cancel = await run(['cancel', OLD]);
    expect([cancel.code, cancel.stderr]).toEqual([
      1,
      `ddm-jobs: task ${OLD} is older than the 30 days the list shows, so its database is unknown; it cannot be acted on.\n`,
    ]);
  });

  it('exits 1 with the API’s DBS.300400 and request id for an unknown task', async () => {
    const result = await run(['get', UNKNOWN]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^ddm-jobs: DBS\.300400 The task is not found\. \(request id [0-9a-f]{32}\)\n$/,
    );
  });
});

describe('the actions', () => {
  it('cancel: says the task is now Canceling, and it is', async () => {
    const result = await run(['cancel', FOR_CANCEL]);
    expect([result.code, result.stdout]).toEqual([
      0,
      `Cancel accepted: task ${FOR_CANCEL} is now Canceling.\n`,
    ]);
    expect(await task(FOR_CANCEL)).toMatchObject({ status: 'Canceling' });
  });

  it('retry: prints the new retry task’s id; the failed task offers nothing more', async () => {
    const result = await run(['retry', FOR_RETRY]);
    expect(result.code).toBe(0);
    const newId = new RegExp(
      `^Retry accepted: task ${FOR_RETRY} stays Failed; the retry is task (\\S+)\\.\\n$`,
    ).exec(result.stdout)?.[1];
    expect(newId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await task(newId as string)).toMatchObject({ name: 'retryMigrateLogicDb', status: 'Running' });
    expect(await task(FOR_RETRY)).toMatchObject({ status: 'Failed', operations: [] });
  });

  it('rollback: says the task is now Rollbacking, and it is', async () => {
    const result = await run(['rollback', FOR_ROLLBACK]);
    expect([result.code, result.stdout]).toEqual([
      0,
      `Rollback accepted: task ${FOR_ROLLBACK} is now Rollbacking.\n`,
    ]);
    expect(await task(FOR_ROLLBACK)).toMatchObject({ status: 'Rollbacking' });
  });

  it('clean: the task leaves the list', async () => {
    expect(await task(FOR_CLEAN)).toMatchObject({ status: 'CancelSuccess', operations: ['toBeCleaned'] });
    const result = await run(['clean', FOR_CLEAN]);
    expect([result.code, result.stdout]).toEqual([
      0,
      `Clean accepted: task ${FOR_CLEAN} is cleaned up and no longer listed.\n`,
    ]);
    const list = await run(['list', '--output', 'json']);
    expect((JSON.parse(list.stdout) as { id: string }[]).map((job) => job.id)).not.toContain(FOR_CLEAN);
  });

  it('switch: says the task is now Switching, and it is', async () => {
    const result = await run(['switch', FOR_SWITCH]);
    expect([result.code, result.stdout]).toEqual([
      0,
      `Route switch accepted: task ${FOR_SWITCH} is now Switching.\n`,
    ]);
    expect(await task(FOR_SWITCH)).toMatchObject({ status: 'Switching' });
  });

  it('switch-window: sets a daily window (no more switching by hand), then --manual clears it', async () => {
    const set = await run(['switch-window', FOR_WINDOW, '--begin', '17:00:00', '--end', '18:00:00']);
    expect([set.code, set.stdout]).toEqual([
      0,
      `Switch window of task ${FOR_WINDOW} set: daily from 17:00:00 to 18:00:00 (the server's time zone).\n`,
    ]);
    expect(await task(FOR_WINDOW)).toMatchObject({ operations: ['modifySwitchingStrategy', 'toBeCanceled'] });
    const manual = await run(['switch-window', FOR_WINDOW, '--manual']);
    expect([manual.code, manual.stdout]).toEqual([
      0,
      `Switch window of task ${FOR_WINDOW} cleared: its routes switch when you run ddm-jobs switch ${FOR_WINDOW}.\n`,
    ]);
    expect(await task(FOR_WINDOW)).toMatchObject({
      operations: ['modifySwitchingStrategy', 'toBeSwitched', 'toBeCanceled'],
    });
  });
});

describe('refusals and failures', () => {
  it('exits 1 with DBS.300379, the task’s status and the request id for an action the task does not offer', async () => {
    const result = await run(['retry', RUNNING]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^ddm-jobs: DBS\.300379 The operation is not allowed for this type of tasks\. \(the task is Running\) \(request id [0-9a-f]{32}\)\n$/,
    );
  });

  it('exits 1 with DBS.300377 for a window that ends before it begins, or lasts under an hour', async () => {
    for (const [begin, end] of [
      ['02:00:00', '01:00:00'],
      ['02:00:00', '02:59:59'],
    ] as const) {
      const result = await run(['switch-window', FOR_WINDOW, '--begin', begin, '--end', end]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(
        /^ddm-jobs: DBS\.300377 Invalid time range\. The start time and end time are the same day and the interval is at least 1 hour\./,
      );
      expect(result.stderr).toMatch(REQUEST_ID);
    }
  });

  it('exits 1 without asking the API for a task that is not a migration', async () => {
    const result = await run(['cancel', NOT_MIGRATION]);
    expect([result.code, result.stderr]).toEqual([
      1,
      `ddm-jobs: task ${NOT_MIGRATION} is a CreateInstance task: only shard-migration tasks (migrateLogicDb, retryMigrateLogicDb) take actions.\n`,
    ]);
  });

  it('exits 2 for a time not HH:mm:ss, half a window, or --manual with a window', async () => {
    for (const time of ['2030-01-01T01:00:00Z', '17:00', '24:00:00']) {
      const bad = await run(['switch-window', FOR_WINDOW, '--begin', time, '--end', '18:00:00']);
      expect([bad.code, bad.stderr]).toEqual([
        2,
        expect.stringMatching(
          new RegExp(
            `argument '${time}' is invalid.*must be a daily time HH:mm:ss, from 00:00:00 to 23:59:59`,
          ),
        ),
      ]);
    }
    const half = await run(['switch-window', FOR_WINDOW, '--begin', '01:00:00']);
    expect([half.code, half.stderr]).toEqual([
      2,
      'ddm-jobs: give the window as --begin and --end, or --manual to switch by hand.\n',
    ]);
    const both = await run(['switch-window', FOR_WINDOW, '--manual', '--begin', '01:00:00']);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("option '--manual' cannot be used with option '--begin <time>'");
    const noId = await run(['cancel']);
    expect([noId.code, noId.stderr]).toEqual([2, expect.stringContaining("missing required argument 'id'")]);
  });

  it('exits 1 naming --timeout when the service does not answer in time', async () => {
    const silent = createServer(() => {}).listen(0, '127.0.0.1');
    await new Promise((resolve) => silent.once('listening', resolve));
    try {
      const { port } = silent.address() as { port: number };
      const env = { ...server.tokenEnv, DDM_ENDPOINT: `http://127.0.0.1:${port}` };
      const result = await run(['list', '--timeout', '0.3'], env);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^ddm-jobs: .+ \(use --timeout to wait longer\)\n$/);
    } finally {
      silent.close();
    }
    const zero = await run(['list', '--timeout', '0']);
    expect([zero.code, zero.stderr]).toEqual([2, expect.stringContaining('more than 0 and at most 3600')]);
  });

  it('exits 1 with a network error when nothing listens at the endpoint', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = probe.address() as { port: number };
        probe.close(() => resolve(free));
      });
    });
    const result = await run(['get', FOR_GET], {
      ...server.tokenEnv,
      DDM_ENDPOINT: `http://127.0.0.1:${port}`,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^ddm-jobs: network error: .*ECONNREFUSED/);
  });
});
