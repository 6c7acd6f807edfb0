import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ALICE_KEY, startSignedServer, WORKER_KEY } from '../aksk/fixture.js';
import { listUrl } from '../support/api.js';
import { feedWaiters } from '../support/feed.js';
import { PROJECT_A, PROJECT_B, type TestServer } from '../support/harness.js';
import { sdkSign } from '../support/sdk-signer.js';
import { connectSse, type SseConnection } from '../support/sse-client.js';

/**
 * Revocation reaches open streams: the tenant stream and the internal feed's stream ask again
 * whether their credential may still read (here every 50 ms; 2 s by default) and end, with a last
 * event saying why, once an ordinary request with that credential would be refused.
 */

describe('event streams after their credential loses access', () => {
  let server: TestServer;
  let base: string;
  beforeEach(async () => {
    // Keep-alives far apart: the re-checks are on their own interval.
    server = await startSignedServer({ feed: { pollMs: 20, keepAliveMs: 60_000, standingCheckMs: 50 } });
    base = await server.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterEach(() => server.close());

  const userId = async (name: string) => {
    const user = await server.store.findUser({ name, domainId: 'default' });
    if (!user) throw new Error(`no user ${name}`);
    return user.id;
  };
  const byToken = async (user: string, path = `/v3/${PROJECT_A}/jobs/stream`) =>
    connectSse(base, path, { 'x-auth-token': await server.tokenFor(user) });
  const byKey = (key: { ak: string; sk: string }, path = `/v3/${PROJECT_A}/jobs/stream`) => {
    const { url, headers } = sdkSign(
      { method: 'GET', path, headers: { 'X-Project-Id': PROJECT_A } },
      key,
      server.clock.now(),
    );
    return connectSse(base, url, headers);
  };
  /** The stream delivers a task recorded now: it is open and following. */
  const stillFollows = async (stream: SseConnection) => {
    const count = stream.events().length;
    const job = await server.record({ name: 'CreateInstance' });
    await stream.until((s) => s.events().length === count + 1);
    expect(stream.events().at(-1)?.data).toContain(String(job.id));
  };
  /** Resolves once the server ended the stream; fails after `ms` of wall time. */
  const endsWithin = (stream: SseConnection, ms: number) =>
    Promise.race([
      stream.ended,
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error(`still open after ${ms} ms:\n${stream.text()}`)), ms),
      ),
    ]);
  /** The stream's last frame: `end` with the reason, and no `id`, so Last-Event-ID stays the last change. */
  const expectEnd = (stream: SseConnection, reason: string) => {
    expect(stream.text().split('\n\n').at(-2)).toBe(`event: end\ndata: {"reason":"${reason}"}`);
    expect(stream.text().endsWith('\n\n')).toBe(true);
  };
  const listStatus = async (headers: Record<string, string>) =>
    (
      await server.app.inject({
        url: listUrl(PROJECT_A, { start_time: server.clock.now() - 60_000, end_time: server.clock.now() }),
        headers,
      })
    ).statusCode;

  it("ends a token's tenant stream once the user's role on the project is revoked (access_revoked)", async () => {
    const stream = await byToken('alice');
    await feedWaiters(server, 1);
    await stillFollows(stream);
    await server.store.revokeRole(await userId('alice'), PROJECT_A, 'te_admin');
    expect(await listStatus({ 'x-auth-token': await server.tokenFor('alice') })).toBe(403);
    await endsWithin(stream, 5_000);
    expectEnd(stream, 'access_revoked');
    await feedWaiters(server, 0);
  });

  it("ends a token's tenant stream once the user is disabled (credentials_revoked)", async () => {
    const token = await server.tokenFor('alice');
    const stream = await byToken('alice');
    await feedWaiters(server, 1);
    await server.store.setUserEnabled(await userId('alice'), false);
    expect(await listStatus({ 'x-auth-token': token })).toBe(401);
    await endsWithin(stream, 5_000);
    expectEnd(stream, 'credentials_revoked');
  });

  it("ends an access key's tenant stream once the key is disabled (credentials_revoked)", async () => {
    const stream = await byKey(ALICE_KEY);
    expect(stream.status).toBe(200);
    await feedWaiters(server, 1);
    await stillFollows(stream);
    expect(await server.store.setCredentialEnabled(ALICE_KEY.ak, false)).toBe(true);
    await endsWithin(stream, 5_000);
    expectEnd(stream, 'credentials_revoked');
  });

  it("ends an access key's tenant stream once its user is disabled, or loses the role", async () => {
    const disabled = await byKey(ALICE_KEY);
    await feedWaiters(server, 1);
    await server.store.setUserEnabled(await userId('alice'), false);
    await endsWithin(disabled, 5_000);
    expectEnd(disabled, 'credentials_revoked');

    await server.store.setUserEnabled(await userId('alice'), true);
    const revoked = await byKey(ALICE_KEY);
    expect(revoked.status).toBe(200);
    await feedWaiters(server, 1);
    await server.store.revokeRole(await userId('alice'), PROJECT_A, 'te_admin');
    await endsWithin(revoked, 5_000);
    expectEnd(revoked, 'access_revoked');
  });

  it("keeps following while only another user's access changes", async () => {
    const stream = await byToken('alice');
    const signed = await byKey(ALICE_KEY);
    // Bob's own stream is the probe: once it has ended, the re-checks have run since the change.
    const probe = await byToken('bob', `/v3/${PROJECT_B}/jobs/stream`);
    await feedWaiters(server, 3);
    await server.store.setUserEnabled(await userId('bob'), false);
    await endsWithin(probe, 5_000);
    expectEnd(probe, 'credentials_revoked');
    await stillFollows(stream);
    await signed.until((s) => s.events().length === 1);
    expect(stream.text()).not.toContain('event: end');
    expect(signed.text()).not.toContain('event: end');
    stream.close();
    signed.close();
  });

  it("ends the internal feed's stream once a worker's token loses the role service (access_revoked)", async () => {
    const stream = await byToken('worker', '/internal/v1/events');
    expect(stream.status).toBe(200);
    await feedWaiters(server, 1);
    await server.store.revokeRole(await userId('worker'), PROJECT_A, 'service');
    await endsWithin(stream, 5_000);
    expectEnd(stream, 'access_revoked');
  });

  it("ends the internal feed's stream once a worker's access key is disabled (credentials_revoked)", async () => {
    const stream = await byKey(WORKER_KEY, '/internal/v1/events');
    expect(stream.status).toBe(200);
    await feedWaiters(server, 1);
    await server.store.setCredentialEnabled(WORKER_KEY.ak, false);
    await endsWithin(stream, 5_000);
    expectEnd(stream, 'credentials_revoked');
  });

  it('tells open streams the server is stopping, in the same last event', async () => {
    const stream = await byToken('alice');
    await feedWaiters(server, 1);
    await server.app.close();
    await endsWithin(stream, 5_000);
    expectEnd(stream, 'server_stopping');
  });
});
