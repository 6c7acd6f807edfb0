import { type DdmClient, isDdmApiError } from '@ddm-jobs/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stored } from '../api/actions-support.js';
import { startTestServer, type TestServer } from '../support/harness.js';
import {
  clientFor,
  closeListening,
  countingFetch,
  DAY,
  listen,
  recordMigration,
  rejection,
} from './support.js';

/** The six actions in detail: what each answers, the strategy's times, and what is refused. */
let server: TestServer;
let client: DdmClient;
let sent: string[];

beforeAll(async () => {
  server = await startTestServer();
  const counting = countingFetch();
  sent = counting.sent;
  client = await clientFor('token', await listen(server), server, { fetch: counting.fetch });
});
afterAll(() => closeListening(server));

const MANUAL = ['modifySwitchingStrategy', 'toBeSwitched', 'toBeCanceled'];
const WINDOW = ['modifySwitchingStrategy', 'toBeCanceled'];
const operationsOf = async (id: string) => (await client.findJob(id))?.operations;

describe('retry', () => {
  it('answers the new retryMigrateLogicDb task, and the failed task offers nothing more', async () => {
    const failed = await recordMigration(server, { status: 'Failed', fail_reason: 'disk full' });
    const { jobId } = await client.retryMigration(failed.id);
    expect(jobId).toMatch(/^[0-9a-f-]{36}$/);
    expect(jobId).not.toBe(failed.id);
    expect(await client.getJob(jobId)).toMatchObject({
      id: jobId,
      name: 'retryMigrateLogicDb',
      status: 'Running',
    });
    expect(await client.findJob(failed.id)).toMatchObject({ status: 'Failed', operations: [] });
  });
});

describe('the switch strategy', () => {
  it('sets a daily window HH:mm:ss, then makes switching manual again', async () => {
    const task = await recordMigration(server, { status: 'ToBeSwitched' });
    await client.changeSwitchStrategy(task.id, { begin: '17:00:00', end: '18:00:00' });
    expect(await stored(server, task.id)).toMatchObject({
      switch_route_begin_time: '17:00:00',
      switch_route_end_time: '18:00:00',
    });
    expect(await operationsOf(task.id)).toEqual(WINDOW);
    await client.changeSwitchStrategy(task.id, 'manual');
    expect(await stored(server, task.id)).toMatchObject({
      switch_route_begin_time: null,
      switch_route_end_time: null,
    });
    expect(await operationsOf(task.id)).toEqual(MANUAL);
  });

  it('is refused by the server with DBS.300377 when the window is under 60 minutes or not on one day', async () => {
    const task = await recordMigration(server, { status: 'ToBeSwitched' });
    for (const window of [
      { begin: '17:00:00', end: '17:59:59' },
      { begin: '23:00:00', end: '01:00:00' },
    ]) {
      const error = await rejection(client.changeSwitchStrategy(task.id, window));
      expect(error).toMatchObject({ name: 'DdmApiError', status: 400, errorCode: 'DBS.300377' });
    }
    expect(await stored(server, task.id)).toMatchObject({ switch_route_begin_time: null });
  });

  it('refuses a time that is not HH:mm:ss before sending anything', async () => {
    const task = await recordMigration(server, { status: 'ToBeSwitched' });
    const before = sent.length;
    for (const [window, what] of [
      [{ begin: '2026-05-20T17:00:00Z', end: '18:00:00' }, 'begin'],
      [{ begin: '17:00:00', end: '18:00' }, 'end'],
      [{ begin: '17:00:00', end: '24:00:00' }, 'end'],
    ] as const) {
      const error = await rejection(client.changeSwitchStrategy(task.id, window));
      expect(error).toBeInstanceOf(TypeError);
      expect(String(error)).toContain(`${what} must be a daily time HH:mm:ss`);
    }
    expect(sent.length).toBe(before);
  });
});

describe('findJob', () => {
  it('answers undefined for an unknown id, and for a task older than the 30 days the list covers', async () => {
    expect(await client.findJob('5b3e1a8e-0000-4000-8000-000000000001')).toBeUndefined();
    const old = await recordMigration(server, { status: 'Completed' }, 31 * DAY);
    expect(await client.getJob(old.id)).toMatchObject({ id: old.id, status: 'Completed' });
    expect(await client.findJob(old.id)).toBeUndefined();
  });
});

describe('the task an action names', () => {
  it('by id: found first (getJob, then the list of its creation second), then acted on', async () => {
    const task = await recordMigration(server, { status: 'Running' });
    const before = sent.length;
    await client.cancelMigration(task.id);
    expect(
      sent.slice(before).map((line) => line.replace(/[0-9a-f]{32}/, 'P').replace(/[0-9a-f-]{36}/, 'ID')),
    ).toEqual([
      'GET /v3/P/jobs/ID',
      'GET /v3/P/jobs',
      'PUT /v3/P/instances/inst0001/databases/db_e487/migration/jobs/ID/cancel',
    ]);
  });

  it('an unknown id is the server’s 404 DBS.300400', async () => {
    const error = await rejection(client.rollbackMigration('5b3e1a8e-0000-4000-8000-000000000000'));
    expect(error).toMatchObject({ name: 'DdmApiError', status: 404, errorCode: 'DBS.300400' });
    expect(isDdmApiError(error) && error.requestId).toMatch(/\S/);
  });

  it('an action the task does not offer now is the server’s 400 DBS.300379', async () => {
    const task = await recordMigration(server, { status: 'Running' });
    const error = await rejection(client.cleanMigration(task.id));
    expect(error).toMatchObject({
      status: 400,
      errorCode: 'DBS.300379',
      errorMsg: 'The operation is not allowed for this type of tasks. (the task is Running)',
    });
  });

  it('a task without a database (not a shard migration) is refused before any PUT', async () => {
    const task = await recordMigration(server, { name: 'RestartNode', status: 'Running', database_name: '' });
    const error = await rejection(client.cancelMigration(task.id));
    expect(error).toBeInstanceOf(TypeError);
    expect(String(error)).toMatch(/names no database/);
    expect(sent.some((line) => line.startsWith('PUT') && line.includes(task.id))).toBe(false);
  });

  it('path parameters are escaped: a name with a slash cannot reach another route', async () => {
    const task = await recordMigration(server, { status: 'Running' });
    const error = await rejection(
      client.cancelMigration({ jobId: task.id, instanceId: 'inst0001', dbName: 'db/../x' }),
    );
    expect(error).toMatchObject({ name: 'DdmApiError' });
    expect(sent.at(-1)).toBe(
      `PUT /v3/${await client.projectId()}/instances/inst0001/databases/db%2F..%2Fx/migration/jobs/${task.id}/cancel`,
    );
  });
});
