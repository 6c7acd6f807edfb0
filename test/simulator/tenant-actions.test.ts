import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ddmTime, internal, MINUTE, SECOND } from '../support/api.js';
import { startTestServer, type TestServer } from '../support/harness.js';
import { act, apply, at, listed, simulatedIds, statusHistory, stored } from './support.js';

const ID = '3c2b1a09-8f7e-4d6c-9b5a-4f3e2d1c0b9a';
/** A migration that fails at 40% after 3 minutes, with the reactions under test. */
const failing = (reactions: string) => `
project: project-a
tasks:
  - name: migrateLogicDb
    id: ${ID}
    instance: { id: 733c7e8d73a54c27b8308ec784a8be8cin09, name: ddm-demo }
    database: db_orders
    steps:
      - { status: Running, progress: 40, over: 3m }
      - { status: Failed, reason: "Source shard unreachable." }
${reactions}`;

const healthy = (reactions: string, window = '') => `
project: project-a
tasks:
  - name: migrateLogicDb
    id: ${ID}
    instance: { id: 733c7e8d73a54c27b8308ec784a8be8cin09, name: ddm-demo }
    database: db_orders
    steps:
      - { status: Running, progress: 100, over: 10m }
      - { status: ToBeSwitched${window} }
${reactions}`;

let server: TestServer;
let t0: number;
beforeEach(async () => {
  server = await startTestServer();
  t0 = server.clock.now();
});
afterEach(() => server.close());

describe('cancel', () => {
  it('a cancelled running task reaches CancelSuccess on_cancel.after later, then is forgotten once cleaned', async () => {
    await apply(server, healthy('    on_cancel: { after: 20s }'));
    await at(server, t0, 5 * MINUTE);
    expect((await act(server, ID, 'cancel')).statusCode).toBe(202);

    await at(server, t0, 5 * MINUTE + 10 * SECOND);
    expect(await listed(server, ID)).toMatchObject({ status: 'Canceling', process: '50%', operations: [] });
    await at(server, t0, 5 * MINUTE + 20 * SECOND);
    expect(await listed(server, ID)).toMatchObject({
      status: 'CancelSuccess',
      process: '',
      operations: ['toBeCleaned'],
      end_time: ddmTime(t0 + 5 * MINUTE + 20 * SECOND),
    });
    // A later tick changes nothing: the timeline it had is over.
    await at(server, t0, 30 * MINUTE);
    expect(await stored(server, ID)).toMatchObject({ status: 'CancelSuccess' });
    expect(await statusHistory(server, ID)).toEqual(['Running', 'Canceling', 'CancelSuccess']);

    expect((await act(server, ID, 'clean')).statusCode).toBe(202);
    await at(server, t0, 31 * MINUTE);
    expect(await simulatedIds(server)).toEqual([]);
  });

  it('ends at the declared instant even when the clock jumps past it', async () => {
    await apply(server, healthy(''));
    await at(server, t0, 11 * MINUTE);
    expect((await act(server, ID, 'cancel')).statusCode).toBe(202);
    await at(server, t0, 5 * 60 * MINUTE);
    // The default: 10 seconds after the tenant's cancel.
    expect(await stored(server, ID)).toMatchObject({
      status: 'CancelSuccess',
      endedAt: t0 + 11 * MINUTE + 10 * SECOND,
    });
  });

  it('a cancel declared to fail ends Failed with its reason', async () => {
    await apply(server, healthy('    on_cancel: { after: 1m, fail: "Cancel failed: data copy in flight." }'));
    await at(server, t0, 2 * MINUTE);
    await act(server, ID, 'cancel');
    await at(server, t0, 3 * MINUTE);
    expect(await listed(server, ID)).toMatchObject({
      status: 'Failed',
      fail_reason: 'Cancel failed: data copy in flight.',
      operations: ['toBeCanceled', 'toBeRetried', 'toBeRolled'],
      end_time: ddmTime(t0 + 3 * MINUTE),
    });
  });
});

describe('rollback', () => {
  it('a rollback declared to fail ends Failed with the declared reason', async () => {
    await apply(server, failing('    on_rollback: { after: 1m, fail: "Rollback failed: target locked." }'));
    await at(server, t0, 3 * MINUTE);
    expect(await listed(server, ID)).toMatchObject({
      status: 'Failed',
      fail_reason: 'Source shard unreachable.',
    });
    await at(server, t0, 4 * MINUTE);
    expect((await act(server, ID, 'rollback')).statusCode).toBe(202);
    await at(server, t0, 4 * MINUTE + 30 * SECOND);
    expect(await listed(server, ID)).toMatchObject({ status: 'Rollbacking', process: '50%' });
    await at(server, t0, 10 * MINUTE);
    expect(await listed(server, ID)).toMatchObject({
      status: 'Failed',
      fail_reason: 'Rollback failed: target locked.',
      end_time: ddmTime(t0 + 5 * MINUTE),
    });
    expect(await statusHistory(server, ID)).toEqual(['Running', 'Failed', 'Rollbacking', 'Failed']);
  });

  it('a rollback succeeds by default', async () => {
    await apply(server, failing(''));
    await at(server, t0, 4 * MINUTE);
    await act(server, ID, 'rollback');
    await at(server, t0, 4 * MINUTE + 10 * SECOND);
    expect(await listed(server, ID)).toMatchObject({
      status: 'RollbackSuccess',
      operations: ['toBeCleaned'],
    });
  });
});

describe('retry', () => {
  it('the retry task is adopted and runs the on_retry steps; the failed task is let go', async () => {
    await apply(
      server,
      failing(`    on_retry:
      steps:
        - { status: Running, progress: 100, over: 2m }
        - { status: ToBeSwitched }
    on_switch: { after: 30s }`),
    );
    await at(server, t0, 4 * MINUTE);
    const retried = await act(server, ID, 'retry');
    expect(retried.statusCode).toBe(202);
    const retry = retried.json().job_id as string;

    await at(server, t0, 5 * MINUTE);
    expect(await listed(server, retry)).toMatchObject({
      name: 'retryMigrateLogicDb',
      status: 'Running',
      process: '50%',
    });
    expect(await listed(server, ID)).toMatchObject({ status: 'Failed', operations: [] });
    expect(await simulatedIds(server)).toEqual([retry]);

    await at(server, t0, 6 * MINUTE);
    expect(await listed(server, retry)).toMatchObject({
      status: 'ToBeSwitched',
      operations: ['modifySwitchingStrategy', 'toBeSwitched', 'toBeCanceled'],
    });
    // No window: it waits for the tenant's route switch, however long.
    await at(server, t0, 60 * MINUTE);
    expect(await stored(server, retry)).toMatchObject({ status: 'ToBeSwitched' });

    expect((await act(server, retry, 'route-switch')).statusCode).toBe(200);
    await at(server, t0, 60 * MINUTE + 15 * SECOND);
    expect(await listed(server, retry)).toMatchObject({ status: 'Switching', process: '50%' });
    await at(server, t0, 2 * 60 * MINUTE);
    expect(await stored(server, retry)).toMatchObject({
      status: 'Completed',
      endedAt: t0 + 60 * MINUTE + 30 * SECOND,
    });
  });

  it('without on_retry, the retry migrates in a minute and waits for the route switch', async () => {
    await apply(server, failing(''));
    await at(server, t0, 4 * MINUTE);
    const retry = (await act(server, ID, 'retry')).json().job_id as string;
    await at(server, t0, 5 * MINUTE);
    expect(await stored(server, retry)).toMatchObject({ status: 'ToBeSwitched' });
  });
});

describe('route switch and its window', () => {
  it('a manual switch is answered by the steps after ToBeSwitched, timed from the tenant switch', async () => {
    await apply(
      server,
      `${healthy('').trimEnd()}
      - { status: Switching, progress: 100, over: 40s }
      - { status: Completed }
`,
    );
    await at(server, t0, 20 * MINUTE);
    expect((await act(server, ID, 'route-switch')).statusCode).toBe(200);
    await at(server, t0, 20 * MINUTE + 10 * SECOND);
    expect(await listed(server, ID)).toMatchObject({ status: 'Switching', process: '25%' });
    await at(server, t0, 21 * MINUTE);
    expect(await stored(server, ID)).toMatchObject({
      status: 'Completed',
      endedAt: t0 + 20 * MINUTE + 40 * SECOND,
    });
  });

  it("follows the task's window as the tenant changes it, never switching before the change", async () => {
    await apply(
      server,
      healthy('    on_switch: { after: 30s }', ', window: { begin: "12:12:00", end: "14:00:00" }'),
    );
    await at(server, t0, 11 * MINUTE);
    // Made manual: the window's begin passes and nothing happens.
    const manual = await act(server, ID, 'route-switch-strategy', {
      switch_route_begin_time: '',
      switch_route_end_time: '',
    });
    expect(manual.statusCode).toBe(200);
    await at(server, t0, 30 * MINUTE);
    expect(await stored(server, ID)).toMatchObject({ status: 'ToBeSwitched', switchBegin: null });

    // A window that began 20 minutes ago (t0 is 12:00 UTC): switching begins when the tenant
    // set it, not before.
    await act(server, ID, 'route-switch-strategy', {
      switch_route_begin_time: '12:10:00',
      switch_route_end_time: '15:00:00',
    });
    await at(server, t0, 40 * MINUTE);
    expect(await stored(server, ID)).toMatchObject({
      status: 'Completed',
      endedAt: t0 + 30 * MINUTE + 30 * SECOND,
    });
  });
});

describe('tasks moved by someone else', () => {
  it('a report the simulator made but did not save (a crash) is taken up where the timeline says', async () => {
    await apply(
      server,
      `${healthy('', ', window: { begin: "12:12:00", end: "14:00:00" }').trimEnd()}
      - { status: Switching, progress: 100, over: 30s }
      - { status: Completed }
`,
    );
    await at(server, t0, 5 * MINUTE);
    // The move to ToBeSwitched at 10 minutes reported, the simulation not saved.
    server.clock.set(t0 + 10 * MINUTE);
    const moved = await internal(server, 'PATCH', `/internal/v1/jobs/${ID}`, { status: 'ToBeSwitched' });
    expect(moved.statusCode).toBe(200);
    await at(server, t0, 60 * MINUTE);
    expect(await stored(server, ID)).toMatchObject({
      status: 'Completed',
      endedAt: t0 + 12 * MINUTE + 30 * SECOND,
    });
  });

  it('a task another producer moved off its timeline is let go, untouched', async () => {
    await apply(server, healthy(''));
    await at(server, t0, 5 * MINUTE);
    const moved = await internal(server, 'PATCH', `/internal/v1/jobs/${ID}`, {
      status: 'Failed',
      fail_reason: 'Worker took over.',
    });
    expect(moved.statusCode).toBe(200);
    const version = (await stored(server, ID)).version;
    await at(server, t0, 60 * MINUTE);
    expect(await stored(server, ID)).toMatchObject({ status: 'Failed', version });
    expect(await simulatedIds(server)).toEqual([]);
  });
});
