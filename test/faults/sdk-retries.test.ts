import type { DdmClient, DdmClientOptions } from '@ddm-jobs/client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { clientFor, DATABASE, DAY, INSTANCE, recordMigration, rejection } from '../client/support.js';
import { type FaultyEmulator, startFaultyEmulator } from './support.js';

/**
 * The SDK's retries against the emulator's faults, over real sockets: idempotent calls are sent
 * again after 503, a dropped connection, a cut body or a timeout; a 500 is not; the actions that
 * change a task are never sent twice.
 */
let emu: FaultyEmulator;
beforeAll(async () => {
  emu = await startFaultyEmulator();
});
afterAll(() => emu.close());
afterEach(async () => {
  await emu.service('DELETE', '/internal/v1/faults');
});

const client = (extra: Partial<DdmClientOptions> = {}): Promise<DdmClient> =>
  clientFor('token', emu.url, emu.server, extra);
const window = () => ({ startTime: emu.server.clock.now() - DAY, endTime: emu.server.clock.now() });
/** Retry-After: 0, so that the SDK sends again at once rather than in a second. */
const unavailable = { type: 'error', status: 503, error_code: 'APIGW.0202', retry_after: 0 };
const firedOf = async (id: string): Promise<number> => {
  const { faults } = (await emu.service('GET', '/internal/v1/faults')).json() as {
    faults: { id: string; fired: number }[];
  };
  return faults.find((rule) => rule.id === id)?.fired ?? -1;
};

describe('idempotent calls', () => {
  it('listJobs succeeds through a 503 twice', async () => {
    const rule = await emu.fault({
      match: { operation: 'ListTasks' },
      fire: { times: 2 },
      effect: unavailable,
    });
    expect(await (await client()).listJobs(window())).toHaveProperty('jobs');
    expect(await firedOf(rule.id)).toBe(2);
  });

  it('give up after `retries` extra attempts with the last 503', async () => {
    const rule = await emu.fault({ match: { operation: 'ListTasks' }, effect: unavailable });
    const error = await rejection((await client({ retries: 2 })).listJobs(window()));
    expect(error).toMatchObject({ name: 'DdmApiError', status: 503, errorCode: 'APIGW.0202' });
    expect(await firedOf(rule.id)).toBe(3);
  });

  it('are not sent again after a 500 DBS.300002', async () => {
    const rule = await emu.fault({
      match: { operation: 'ListTasks' },
      fire: { times: 1 },
      effect: { type: 'error', status: 500, error_code: 'DBS.300002' },
    });
    const error = await rejection((await client()).listJobs(window()));
    expect(error).toMatchObject({ name: 'DdmApiError', status: 500, errorCode: 'DBS.300002' });
    expect(await firedOf(rule.id)).toBe(1);
  });

  it('getJob succeeds through a dropped connection and a body cut short', async () => {
    const task = await recordMigration(emu.server, { status: 'Running' });
    const drop = await emu.fault({
      match: { operation: 'ShowDdmJobResult' },
      fire: { times: 1 },
      effect: { type: 'drop' },
    });
    const cut = await emu.fault({
      match: { operation: 'ShowDdmJobResult' },
      fire: { times: 1 },
      effect: { type: 'truncate' },
    });
    expect(await (await client()).getJob(task.id)).toMatchObject({ id: task.id, status: 'Running' });
    expect([await firedOf(drop.id), await firedOf(cut.id)]).toEqual([1, 1]);
  });

  it('listJobs succeeds through an answer slower than its timeout', async () => {
    const rule = await emu.fault({
      match: { operation: 'ListTasks' },
      fire: { times: 1 },
      effect: { type: 'latency', ms: 1500 },
    });
    const started = performance.now();
    expect(await (await client({ timeoutMs: 300 })).listJobs(window())).toHaveProperty('jobs');
    expect(performance.now() - started).toBeLessThan(1500);
    expect(await firedOf(rule.id)).toBe(1);
  });
});

describe('actions that change a task', () => {
  it('are not sent again after a dropped connection: one attempt, the task unchanged', async () => {
    const task = await recordMigration(emu.server, { status: 'Running' });
    const rule = await emu.fault({ match: { operation: 'CancelMigration' }, effect: { type: 'drop' } });
    const sdk = await client();
    const error = await rejection(
      sdk.cancelMigration({ jobId: task.id, instanceId: INSTANCE, dbName: DATABASE }),
    );
    expect(error).toMatchObject({ name: 'NetworkError' });
    expect(await firedOf(rule.id)).toBe(1);
    expect(await sdk.getJob(task.id)).toMatchObject({ status: 'Running' });
  });

  it('are not sent again after a 503', async () => {
    const task = await recordMigration(emu.server, { status: 'Running' });
    const rule = await emu.fault({ match: { operation: 'CancelMigration' }, effect: unavailable });
    const error = await rejection(
      (await client()).cancelMigration({ jobId: task.id, instanceId: INSTANCE, dbName: DATABASE }),
    );
    expect(error).toMatchObject({ name: 'DdmApiError', status: 503 });
    expect(await firedOf(rule.id)).toBe(1);
  });
});
