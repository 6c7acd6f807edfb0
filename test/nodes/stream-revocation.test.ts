import { join } from 'node:path';
import { buildApp, CREDENTIAL_KEY_FILE, openCredentialVault, type Store } from '@ddm-jobs/server';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALICE_KEY, startSignedServer } from '../aksk/fixture.js';
import { feedWaiters } from '../support/feed.js';
import { openTestStore, PROJECT_A, TEST_STORE, type TestServer } from '../support/harness.js';
import { sdkSign } from '../support/sdk-signer.js';
import { connectSse, type SseConnection } from '../support/sse-client.js';

/**
 * Two nodes on one PostgreSQL database: a stream open on node 2 ends within a few seconds of its
 * credential losing access through node 1, with node 2's default re-check interval (2 s); and the
 * tenant stream's opaque ids from one node resume on the other.
 */

describe('streams across two nodes', () => {
  let node1: TestServer;
  let store2: Store;
  let node2: FastifyInstance;
  let base2: string;

  beforeAll(async () => {
    expect(TEST_STORE).toBe('postgres');
    node1 = await startSignedServer({ feed: { pollMs: 20 } });
    store2 = await openTestStore(node1.dataDir);
    node2 = await buildApp({
      store: store2,
      clock: node1.clock,
      credentialVault: openCredentialVault(join(node1.dataDir, CREDENTIAL_KEY_FILE)),
      rateLimits: { perCredential: 0, perServiceCredential: 0, perAddress: 0 },
      simulatorIntervalMs: 0,
      retentionIntervalMs: 0,
    });
    base2 = await node2.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await node2.close();
    await store2.close();
    await node1.close();
  });

  const userId = async (name: string) => {
    const user = await node1.store.findUser({ name, domainId: 'default' });
    if (!user) throw new Error(`no user ${name}`);
    return user.id;
  };
  const onNode2 = async (headers: Record<string, string>, lastEventId?: string) =>
    connectSse(base2, `/v3/${PROJECT_A}/jobs/stream`, {
      ...headers,
      ...(lastEventId === undefined ? {} : { 'last-event-id': lastEventId }),
    });
  const signed = () => {
    const { url, headers } = sdkSign(
      { method: 'GET', path: `/v3/${PROJECT_A}/jobs/stream`, headers: { 'X-Project-Id': PROJECT_A } },
      ALICE_KEY,
      node1.clock.now(),
    );
    return connectSse(base2, url, headers);
  };
  /** Resolves once the server ended the stream; fails after `ms` of wall time. */
  const endsWithin = (stream: SseConnection, ms: number) =>
    Promise.race([
      stream.ended,
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error(`still open after ${ms} ms:\n${stream.text()}`)), ms),
      ),
    ]);
  const lastFrame = (stream: SseConnection) => stream.text().split('\n\n').at(-2);
  /** Node 2's streams now open (the gauge of node 2's own feed watcher). */
  const waitersOnNode2 = async (count: number) => {
    const deadline = Date.now() + 5_000;
    for (;;) {
      const text = (await node2.inject({ url: '/metrics' })).body;
      const waiters = Number(/^ddm_jobs_feed_waiters (\d+)$/m.exec(text)?.[1]);
      if (waiters === count) return;
      if (Date.now() > deadline) throw new Error(`node 2 feed waiters: ${waiters}, expected ${count}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };

  it('ends an access-key stream on node 2 within a few seconds of the key being disabled through node 1', async () => {
    const stream = await signed();
    expect(stream.status).toBe(200);
    await waitersOnNode2(1);
    expect(await node1.store.setCredentialEnabled(ALICE_KEY.ak, false)).toBe(true);
    try {
      await endsWithin(stream, 5_000);
      expect(lastFrame(stream)).toBe('event: end\ndata: {"reason":"credentials_revoked"}');
    } finally {
      stream.close();
      await node1.store.setCredentialEnabled(ALICE_KEY.ak, true);
    }
  });

  it("ends a token's stream on node 2 within a few seconds of its role being revoked through node 1", async () => {
    const stream = await onNode2({ 'x-auth-token': await node1.tokenFor('alice') });
    expect(stream.status).toBe(200);
    await waitersOnNode2(1);
    // Node 2 has read alice's subject (and keeps it) before the change.
    const job = await node1.record({ name: 'CreateInstance' });
    await stream.until((s) => s.events().length === 1);
    expect(stream.events()[0]?.data).toContain(String(job.id));
    await node1.store.revokeRole(await userId('alice'), PROJECT_A, 'te_admin');
    try {
      await endsWithin(stream, 5_000);
      expect(lastFrame(stream)).toBe('event: end\ndata: {"reason":"access_revoked"}');
    } finally {
      stream.close();
      await node1.store.grantRole(await userId('alice'), PROJECT_A, 'te_admin');
    }
  });

  it('resumes on node 2 after an id sent by node 1', async () => {
    const base1 = await node1.app.listen({ port: 0, host: '127.0.0.1' });
    const token = await node1.tokenFor('alice');
    const first = await connectSse(base1, `/v3/${PROJECT_A}/jobs/stream`, { 'x-auth-token': token });
    await feedWaiters(node1, 1);
    await node1.record({ name: 'CreateInstance' });
    await first.until((s) => s.events().length === 1);
    const lastId = first.events()[0]?.id ?? '';
    first.close();
    const next = await node1.record({ name: 'CreateInstance' });
    const resumed = await onNode2({ 'x-auth-token': token }, lastId);
    await resumed.until((s) => s.events().length === 1);
    expect(JSON.parse(resumed.events()[0]?.data ?? '').job.id).toBe(next.id);
    resumed.close();
  });
});
