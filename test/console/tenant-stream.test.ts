import { DdmClient } from '@ddm-jobs/client';
import type { TenantStreamEvent } from '@ddm-jobs/contract/wire';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  followTenantStream,
  type LiveStatus,
  reconnectDelayMs,
} from '../../packages/console/src/live/tenant-stream.js';
import { closeListening, countingFetch, listen, recordMigration } from '../client/support.js';
import { DAY } from '../support/api.js';
import { feedWaiters } from '../support/feed.js';
import { PASSWORD, PROJECT_A, startTestServer, type TestServer } from '../support/harness.js';

/**
 * The console's following of the tenant stream (its reconnection policy over the SDK's
 * `streamJobs`), in Node against a real server: live once fresh, resumed with the last event's
 * id after the server ends a stream, stopped for good by a 401 or by `stop()`.
 */
let server: TestServer;
let url: string;
beforeEach(async () => {
  server = await startTestServer({ feed: { pollMs: 20, keepAliveMs: 20 } });
  url = await listen(server);
});
afterEach(() => closeListening(server));

function follow(client: DdmClient) {
  const statuses: [LiveStatus, boolean][] = [];
  const events: TenantStreamEvent[] = [];
  let unauthorized = 0;
  const stream = followTenantStream(
    { stream: (options) => client.streamJobs(options) },
    {
      onEvent: (event) => events.push(event),
      onStatus: (status, resumed) => statuses.push([status, resumed]),
      onUnauthorized: () => unauthorized++,
    },
  );
  return { stream, statuses, events, unauthorized: () => unauthorized };
}

const createdIds = (events: TenantStreamEvent[]) =>
  events.filter((e) => e.type === 'created').map((e) => e.job?.id);

describe('the console following the tenant stream', () => {
  it('goes live fresh once, and after the server ends the stream resumes with Last-Event-ID, missing nothing', async () => {
    // Password auth, as a token past its expiry would be refused: the reconnection signs in again.
    const client = new DdmClient({
      endpoint: url,
      auth: { password: { authUrl: url, username: 'alice', password: PASSWORD, projectId: PROJECT_A } },
      now: () => server.clock.now(),
    });
    const live = follow(client);
    await expect
      .poll(() => live.statuses)
      .toEqual([
        ['connecting', false],
        ['live', false],
      ]);
    const before = await recordMigration(server);
    await expect.poll(() => createdIds(live.events)).toEqual([before.id]);

    // The token expires on the server's clock: the server ends the stream. A task recorded in
    // the gap comes on the old stream or the resumed one, once.
    server.clock.advance(DAY);
    const during = await recordMigration(server);
    await expect
      .poll(() => live.statuses.slice(2), { timeout: 5_000 })
      .toEqual([
        ['reconnecting', false],
        ['live', true],
      ]);
    const after = await recordMigration(server);
    await expect.poll(() => createdIds(live.events)).toEqual([before.id, during.id, after.id]);
    live.stream.stop();
    await feedWaiters(server, 0);
  });

  it('stops for good on a 401: the session ends once, never live, no reconnection', async () => {
    const counting = countingFetch();
    const client = new DdmClient({
      endpoint: url,
      projectId: PROJECT_A,
      auth: 'not-a-token',
      fetch: counting.fetch,
    });
    const live = follow(client);
    await expect.poll(() => live.unauthorized()).toBe(1);
    // Past the first reconnection's delay (1 s): nothing was sent again.
    await new Promise((resolve) => setTimeout(resolve, reconnectDelayMs(1) + 200));
    expect(live.statuses).toEqual([['connecting', false]]);
    expect(counting.sent).toEqual([`GET /v3/${PROJECT_A}/jobs/stream`]);
    expect(live.unauthorized()).toBe(1);
  });

  it('ends the session once when the server ends the stream for a revoked credential, with no reconnection', async () => {
    const counting = countingFetch();
    const client = new DdmClient({
      endpoint: url,
      projectId: PROJECT_A,
      auth: await server.tokenFor('alice'),
      fetch: counting.fetch,
    });
    const live = follow(client);
    await feedWaiters(server, 1);
    const alice = await server.store.findUser({ name: 'alice', domainId: 'default' });
    await server.store.setUserEnabled(alice?.id ?? '', false);
    await expect.poll(() => live.unauthorized()).toBe(1);
    await feedWaiters(server, 0);
    // Past the first reconnection's delay (1 s): nothing was sent again.
    await new Promise((resolve) => setTimeout(resolve, reconnectDelayMs(1) + 200));
    expect(counting.sent).toEqual([`GET /v3/${PROJECT_A}/jobs/stream`]);
    expect(live.statuses).toEqual([
      ['connecting', false],
      ['live', false],
    ]);
  });

  it('closes the connection on stop()', async () => {
    const client = new DdmClient({
      endpoint: url,
      projectId: PROJECT_A,
      auth: await server.tokenFor('alice'),
    });
    const live = follow(client);
    await feedWaiters(server, 1);
    live.stream.stop();
    await feedWaiters(server, 0);
    expect(live.statuses).toEqual([
      ['connecting', false],
      ['live', false],
    ]);
  });

  it('waits longer after each failure in a row: 1, 2, 4, 8, 16, then 30 seconds', () => {
    expect([1, 2, 3, 4, 5, 6, 10].map(reconnectDelayMs)).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000,
    ]);
  });
});
