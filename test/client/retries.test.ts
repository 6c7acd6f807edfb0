import type { DdmClient } from '@ddm-jobs/client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/harness.js';
import {
  clientFor,
  closeListening,
  DATABASE,
  DAY,
  gatewayAnswer,
  INSTANCE,
  listen,
  type Relay,
  type RelayPlan,
  recordMigration,
  rejection,
  startRelay,
} from './support.js';

/**
 * Retries against a real server behind a real relay that plays the gateway: what is sent again
 * (429, 502, 503, 504, a dropped connection, for idempotent calls), when (Retry-After), and what
 * never is (the actions that change a task, a 4xx, a 500).
 */
let shared: TestServer;
let sharedUrl: string;
let server: TestServer;
let relay: Relay;
beforeAll(async () => {
  shared = await startTestServer();
  sharedUrl = await listen(shared);
});
afterAll(() => closeListening(shared));
afterEach(async () => {
  await relay.close();
  if (server !== shared) await closeListening(server);
});

const unavailable = () => gatewayAnswer(503, 'APIGW.0202', 'Backend unavailable');
const window = () => ({ startTime: server.clock.now() - DAY, endTime: server.clock.now() });
const statuses = () => relay.seen.map((line) => line.split(' -> ')[1]);

/**
 * The shared server (or one of its own, started with `options`) behind a relay playing `plan`,
 * and a token client of alice talking to the relay.
 */
async function behindRelay(
  plan: RelayPlan,
  options?: Parameters<typeof startTestServer>[0],
  onAnswer?: (status: number) => void,
): Promise<DdmClient> {
  server = options ? await startTestServer(options) : shared;
  relay = await startRelay(options ? await listen(server) : sharedUrl, plan, onAnswer);
  return clientFor('token', relay.url, server);
}

describe('idempotent calls are sent again', () => {
  it('after the real server’s 429, waiting the Retry-After it gave, then succeed', async () => {
    // The bucket refills as the server's real clock (set by hand here) moves: the relay moves it
    // as the 429 passes, as the second the client waits would move it.
    const client = await behindRelay(
      () => 'forward',
      { rateLimits: { perCredential: 1, perServiceCredential: 1, perAddress: 0 } },
      (status) => {
        if (status === 429) server.realClock.advance(1000);
      },
    );
    await client.listJobs(window());
    const started = Date.now();
    const page = await client.listJobs(window());
    expect(page.total).toBe(0);
    expect(statuses()).toEqual(['200', '429', '200']);
    // Retry-After: 1 wins over the first backoff (at most 250 ms).
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('after 503 APIGW.0202 from the gateway, until the backend answers', async () => {
    let reached = 0;
    const client = await behindRelay(
      (n) => (n < 2 ? unavailable() : 'forward'),
      undefined,
      () => {
        reached += 1;
      },
    );
    const task = await recordMigration(server, { status: 'Running' });
    expect(await client.getJob(task.id)).toMatchObject({ id: task.id, status: 'Running' });
    expect(statuses()).toEqual(['503', '503', '200']);
    expect(reached).toBe(1);
  });

  it.each([
    [
      502,
      {
        status: 502,
        headers: { 'content-type': 'text/html' },
        body: '<html><body>502 Bad Gateway</body></html>',
      },
    ],
    [504, gatewayAnswer(504, 'APIGW.0204', 'Backend timeout')],
  ])('after %i, until the backend answers', async (status, answer) => {
    const client = await behindRelay((n) => (n < 1 ? answer : 'forward'));
    await client.listJobs(window());
    expect(statuses()).toEqual([String(status), '200']);
  });

  it('after a dropped connection (a network failure)', async () => {
    const client = await behindRelay((n) => (n < 2 ? 'drop' : 'forward'));
    await client.listJobs(window());
    expect(statuses()).toEqual(['dropped', 'dropped', '200']);
  });

  it('at most `retries` times, then reject with the last answer', async () => {
    server = shared;
    relay = await startRelay(sharedUrl, () => ({
      status: 502,
      headers: { 'content-type': 'text/html' },
      body: '<html><body>502 Bad Gateway</body></html>',
    }));
    const client = await clientFor('token', relay.url, server, { retries: 2 });
    const error = await rejection(client.listJobs(window()));
    expect(error).toMatchObject({
      name: 'DdmApiError',
      status: 502,
      errorCode: 'HTTP.502',
      errorMsg: '<html><body>502 Bad Gateway</body></html>',
    });
    expect(statuses()).toEqual(['502', '502', '502']);
  });

  it('including the switch strategy, which sets a value', async () => {
    const client = await behindRelay((n) => (n < 1 ? unavailable() : 'forward'));
    const task = await recordMigration(server, { status: 'ToBeSwitched' });
    await client.changeSwitchStrategy({ jobId: task.id, instanceId: INSTANCE, dbName: DATABASE }, 'manual');
    expect(relay.seen).toEqual([
      expect.stringMatching(/^PUT .*\/route-switch-strategy -> 503$/),
      expect.stringMatching(/^PUT .*\/route-switch-strategy -> 200$/),
    ]);
  });
});

describe('never sent again', () => {
  const actions = [
    ['cancelMigration', 'Running', 'cancel'],
    ['retryMigration', 'Failed', 'retry'],
    ['rollbackMigration', 'Failed', 'rollback'],
    ['cleanMigration', 'CancelSuccess', 'clean'],
    ['switchRoute', 'ToBeSwitched', 'route-switch'],
  ] as const;

  it.each(actions)(
    '%s facing a 503: sent exactly once, rejecting with the 503',
    async (method, status, action) => {
      let reached = 0;
      const client = await behindRelay(
        (_n, request) => (request.method === 'PUT' ? unavailable() : 'forward'),
        undefined,
        () => {
          reached += 1;
        },
      );
      const task = await recordMigration(server, { status });
      const error = await rejection(
        client[method]({ jobId: task.id, instanceId: INSTANCE, dbName: DATABASE }),
      );
      expect(error).toMatchObject({ name: 'DdmApiError', status: 503, errorCode: 'APIGW.0202' });
      expect(relay.seen).toEqual([expect.stringMatching(new RegExp(`^PUT .*/${action} -> 503$`))]);
      expect(reached).toBe(0);
      expect((await client.getJob(task.id)).status).toBe(status);
    },
  );

  it('cancel on a dropped connection: a NetworkError, sent once', async () => {
    const client = await behindRelay((_n, request) => (request.method === 'PUT' ? 'drop' : 'forward'));
    const task = await recordMigration(server, { status: 'Running' });
    const error = await rejection(
      client.cancelMigration({ jobId: task.id, instanceId: INSTANCE, dbName: DATABASE }),
    );
    expect(error).toMatchObject({ name: 'NetworkError' });
    expect(relay.seen).toHaveLength(1);
  });

  it('a 500 (DBS.300002) or a 404, for any call', async () => {
    const client = await behindRelay((n) =>
      n < 1 ? gatewayAnswer(500, 'DBS.300002', 'Server failure.') : 'forward',
    );
    expect(await rejection(client.listJobs(window()))).toMatchObject({
      status: 500,
      errorCode: 'DBS.300002',
    });
    expect(await rejection(client.getJob('0b6f3c2e-0000-4000-8000-000000000000'))).toMatchObject({
      status: 404,
    });
    expect(statuses()).toEqual(['500', '404']);
  });
});
