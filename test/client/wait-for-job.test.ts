import { type DdmClient, TimeoutError } from '@ddm-jobs/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apply } from '../simulator/support.js';
import { startTestServer, type TestServer } from '../support/harness.js';
import { clientFor, closeListening, listen, rejection } from './support.js';

/**
 * waitForJob on a task the server's simulator plays out. The server's virtual clock moves 30
 * seconds after each poll the client sends (and the simulator catches up), as an emulator's
 * clock would move while a client waits: every poll sees the next moment, whatever the load.
 */
const MIGRATION = '5c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5';
const STUCK = '6d2e3f4a-5b6c-4d7e-8f80-91a2b3c4d5e6';
const SCENARIO = `
project: project-a
instance: { id: 733c7e8d73a54c27b8308ec784a8be8cin09, name: ddm-orders }
tasks:
  - name: migrateLogicDb
    id: ${MIGRATION}
    database: db_orders
    steps:
      - { status: Running, progress: 100, over: 4m }
      - { status: ToBeSwitched, window: { begin: "12:05:00", end: "13:00:00" } } # the clock starts at 12:00 UTC
      - { status: Switching, progress: 100, over: 2m }
      - { status: Completed }
  - name: RestartNode
    id: ${STUCK}
    steps:
      - { status: Running, progress: 99, over: 1m }
`;

let server: TestServer;
let client: DdmClient;
let polls = 0;
beforeAll(async () => {
  server = await startTestServer();
  const ticking: typeof fetch = async (input, init) => {
    const answer = await fetch(input, init);
    if (String(input).includes('/jobs/')) {
      polls += 1;
      server.clock.advance(30_000);
      await server.app.simulator.tick();
    }
    return answer;
  };
  client = await clientFor('token', await listen(server), server, { fetch: ticking });
  await apply(server, SCENARIO);
});
afterAll(() => closeListening(server));

describe('waitForJob', () => {
  it('polls until the status asked for, then until a finished status by default', async () => {
    // Running for 4 minutes: the 9th poll, 4 minutes on, sees ToBeSwitched.
    expect(await client.waitForJob(MIGRATION, { until: ['ToBeSwitched'], intervalMs: 10 })).toMatchObject({
      id: MIGRATION,
      status: 'ToBeSwitched',
    });
    expect(polls).toBe(9);
    expect(await client.waitForJob(MIGRATION, { intervalMs: 10, timeoutMs: 20_000 })).toMatchObject({
      id: MIGRATION,
      status: 'Completed',
      process: '',
    });
    expect(polls).toBeGreaterThan(12);
  });

  it('gives up with a TimeoutError after timeoutMs when the task does not get there', async () => {
    const started = Date.now();
    const error = await rejection(client.waitForJob(STUCK, { intervalMs: 20, timeoutMs: 250 }));
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ name: 'TimeoutError', timeoutMs: 250 });
    expect((error as Error).message).toContain(STUCK);
    expect(Date.now() - started).toBeGreaterThanOrEqual(240);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('stops at once, with the signal’s reason, when the caller aborts', async () => {
    const controller = new AbortController();
    const reason = new Error('enough');
    setTimeout(() => controller.abort(reason), 100);
    expect(await rejection(client.waitForJob(STUCK, { intervalMs: 10_000, signal: controller.signal }))).toBe(
      reason,
    );
  });

  it('refuses bad options before polling', async () => {
    await expect(client.waitForJob(STUCK, { until: [] })).rejects.toThrow(/at least one status/);
    await expect(client.waitForJob(STUCK, { timeoutMs: -1 })).rejects.toThrow(/timeoutMs/);
    await expect(client.waitForJob('')).rejects.toThrow(/jobId must be a non-empty string/);
  });
});
