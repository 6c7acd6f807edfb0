import type { DdmClient } from '@ddm-jobs/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSignedServer } from '../aksk/fixture.js';
import { PROJECT_A, startTestServer, type TestServer } from '../support/harness.js';
import {
  AUTH_KINDS,
  clientFor,
  closeListening,
  DATABASE,
  DAY,
  INSTANCE,
  listen,
  recordMigration,
} from './support.js';

/**
 * Every method of the SDK against a real ddm-jobs over real HTTP, once per way of
 * authenticating: what each answers, and what each action did to the task, seen through the
 * SDK's own reads.
 */
describe.each(AUTH_KINDS)('with %s', (kind) => {
  let server: TestServer;
  let client: DdmClient;
  const tasks: Record<string, { id: string; created_at: number }> = {};

  beforeAll(async () => {
    server = kind === 'AK/SK' ? await startSignedServer() : await startTestServer();
    client = await clientFor(kind, await listen(server), server);
    tasks.running = await recordMigration(server, { status: 'Running', progress: 40 });
    tasks.failedToRetry = await recordMigration(server, { status: 'Failed', fail_reason: 'disk full' });
    tasks.failedToRollBack = await recordMigration(server, { status: 'Failed', fail_reason: 'disk full' });
    tasks.cancelled = await recordMigration(server, { status: 'CancelSuccess' });
    tasks.manual = await recordMigration(server, { status: 'ToBeSwitched' });
    tasks.toWindow = await recordMigration(server, { status: 'ToBeSwitched' });
    tasks.completed = await recordMigration(server, {
      name: 'CreateInstance',
      status: 'Completed',
      database_name: '',
    });
  });
  afterAll(() => closeListening(server));

  const window = () => ({ startTime: server.clock.now() - DAY, endTime: server.clock.now() });

  it('answers the project id in use', async () => {
    expect(await client.projectId()).toBe(PROJECT_A);
  });

  it('lists one page, newest first, with the total of the window', async () => {
    const page = await client.listJobs({ ...window(), offset: 1, limit: 2 });
    expect(page).toMatchObject({ offset: 1, limit: 2, total: 7 });
    expect(page.jobs.map((job) => job.id)).toEqual([tasks.toWindow?.id, tasks.manual?.id]);
  });

  it('iterates every task of the window', async () => {
    const ids: string[] = [];
    for await (const job of client.jobs({ since: server.clock.now() - DAY }, { pageSize: 3 }))
      ids.push(job.id);
    expect(ids).toEqual(
      Object.values(tasks)
        .map((task) => task.id)
        .reverse(),
    );
  });

  it('lists with the filters, and counts the tasks per day (ddm-jobs extensions)', async () => {
    const filters = { status: ['Failed' as const, 'CancelSuccess' as const], name: ['migrateLogicDb'] };
    const page = await client.listJobs({ ...window(), ...filters, instance: INSTANCE, database: 'DB_E4' });
    expect(page.jobs.map((job) => job.id)).toEqual([
      tasks.cancelled?.id,
      tasks.failedToRollBack?.id,
      tasks.failedToRetry?.id,
    ]);
    const { days } = await client.jobStatistics({ ...window(), ...filters, timeZone: 'Europe/Berlin' });
    expect(days.reduce((n, day) => n + day.total, 0)).toBe(3);
  });

  it('reads one task, and finds it as the list shows it', async () => {
    const id = tasks.failedToRetry?.id as string;
    expect(await client.getJob(id)).toMatchObject({
      id,
      status: 'Failed',
      instance: { id: INSTANCE, name: 'ddm-test' },
    });
    expect(await client.findJob(id)).toMatchObject({
      id,
      database_name: DATABASE,
      fail_reason: 'disk full',
      operations: ['toBeCanceled', 'toBeRetried', 'toBeRolled'],
    });
  });

  it('takes the six actions, each moving its task as the contract says', async () => {
    const statusOf = async (id: string | undefined) => (await client.getJob(id as string)).status;
    const running = await client.findJob(tasks.running?.id as string);
    expect(await client.cancelMigration(running as NonNullable<typeof running>)).toEqual({
      jobId: running?.id,
    });
    expect(await statusOf(running?.id)).toBe('Canceling');

    const retried = await client.retryMigration(tasks.failedToRetry?.id as string);
    expect(retried.jobId).not.toBe(tasks.failedToRetry?.id);
    expect(await client.findJob(retried.jobId)).toMatchObject({
      name: 'retryMigrateLogicDb',
      status: 'Running',
    });

    const target = { jobId: tasks.failedToRollBack?.id as string, instanceId: INSTANCE, dbName: DATABASE };
    expect(await client.rollbackMigration(target)).toEqual({ jobId: target.jobId });
    expect(await statusOf(target.jobId)).toBe('Rollbacking');

    expect(await client.cleanMigration(tasks.cancelled?.id as string)).toEqual({
      jobId: tasks.cancelled?.id,
    });
    expect(await client.findJob(tasks.cancelled?.id as string)).toBeUndefined();

    expect(await client.switchRoute(tasks.manual?.id as string)).toBeUndefined();
    expect(await statusOf(tasks.manual?.id)).toBe('Switching');

    await client.changeSwitchStrategy(tasks.toWindow?.id as string, { begin: '17:00:00', end: '18:00:00' });
    expect((await client.findJob(tasks.toWindow?.id as string))?.operations).toEqual([
      'modifySwitchingStrategy',
      'toBeCanceled',
    ]);
  });

  it('waits for a task that has reached the status asked for', async () => {
    const done = await client.waitForJob(tasks.completed?.id as string, { intervalMs: 10, timeoutMs: 5000 });
    expect(done).toMatchObject({ status: 'Completed', name: 'CreateInstance' });
  });
});
