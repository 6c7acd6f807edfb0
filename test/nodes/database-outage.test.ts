import { applyBootstrap, buildApp, openPostgresStore, type Store } from '@ddm-jobs/server';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY, listUrl } from '../support/api.js';
import { FIXTURE_IDENTITIES, ManualClock, PASSWORD, PROJECT_A } from '../support/harness.js';
import { passwordSignIn } from '../support/keystone-body.js';
import { type Cluster, startCluster } from '../support/postgres-cluster.js';

/**
 * Issue 5: the database restarted under load. A cluster of the test's own, since it goes down:
 * the node answers 503 in the gateway's shape meanwhile, never crashes, and serves again once the
 * database is back, without a restart.
 */

describe('a database outage under load', () => {
  let cluster: Cluster;
  let store: Store;
  let app: FastifyInstance;
  let token: string;
  const clock = new ManualClock();

  beforeAll(async () => {
    cluster = await startCluster();
    store = await openPostgresStore({ url: cluster.url, schema: 'outage', poolSize: 4 });
    await applyBootstrap(store, FIXTURE_IDENTITIES, clock);
    app = await buildApp({
      store,
      clock,
      rateLimits: { perCredential: 0, perServiceCredential: 0, perAddress: 0 },
      simulatorIntervalMs: 0,
    });
    const signIn = await app.inject({
      method: 'POST',
      url: '/v3/auth/tokens',
      payload: passwordSignIn({ name: 'alice', password: PASSWORD }, PROJECT_A),
    });
    token = signIn.headers['x-subject-token'] as string;
  });
  afterAll(async () => {
    await app?.close();
    await store?.close();
    cluster?.stop();
  });

  it('answers 503 APIGW.0202 while the database is down, and serves again when it is back', async () => {
    const url = listUrl(PROJECT_A, { start_time: clock.now() - DAY, end_time: clock.now() });
    const list = () => app.inject({ url, headers: { 'x-auth-token': token } });
    const statuses: number[] = [];
    let loading = true;
    // Load: ten clients listing back to back through the whole outage.
    const load = Promise.all(
      Array.from({ length: 10 }, async () => {
        while (loading) statuses.push((await list()).statusCode);
      }),
    );
    expect((await list()).statusCode).toBe(200);

    cluster.pause();
    const down = await list();
    expect(down.statusCode).toBe(503);
    expect(down.headers['retry-after']).toBe('1');
    expect(down.json()).toEqual({
      error_code: 'APIGW.0202',
      error_msg: 'Backend unavailable',
      request_id: down.headers['x-request-id'],
    });
    expect((await app.inject({ url: '/healthz' })).statusCode).toBe(503);

    cluster.resume();
    let back = await list();
    for (let i = 0; i < 50 && back.statusCode !== 200; i++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      back = await list();
    }
    expect(back.statusCode).toBe(200);
    loading = false;
    await load;
    // Every answer under load was a success or the documented outage answer: no 500, no crash.
    expect(new Set(statuses)).toEqual(new Set([200, 503]));
    expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);
  });
});
