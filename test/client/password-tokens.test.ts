import { DdmClient, type DdmClientOptions } from '@ddm-jobs/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, PROJECT_A, startTestServer, type TestServer } from '../support/harness.js';
import {
  closeListening,
  countingFetch,
  DATABASE,
  DAY,
  gatewayAnswer,
  HOUR,
  INSTANCE,
  listen,
  recordMigration,
  rejection,
  startRelay,
} from './support.js';

/** Password auth's tokens: fetched once, shared, renewed before expiry, and after APIGW.0307. */
let server: TestServer;
let url: string;
beforeAll(async () => {
  server = await startTestServer();
  url = await listen(server);
});
afterAll(() => closeListening(server));

const SIGN_IN = 'POST /v3/auth/tokens';
const password = (authUrl: string) => ({
  password: {
    authUrl,
    username: 'alice',
    password: PASSWORD,
    userDomainName: 'default',
    projectId: PROJECT_A,
  },
});

function passwordClient(extra: Partial<DdmClientOptions> = {}) {
  const counting = countingFetch();
  const client = new DdmClient({
    endpoint: url,
    auth: password(url),
    now: () => server.clock.now(),
    fetch: counting.fetch,
    ...extra,
  });
  const signIns = () => counting.sent.filter((line) => line === SIGN_IN).length;
  return { client, sent: counting.sent, signIns };
}

const window = () => ({ startTime: server.clock.now() - DAY, endTime: server.clock.now() });

describe('password tokens', () => {
  it('are requested once for any number of calls at once', async () => {
    const { client, signIns } = passwordClient();
    await Promise.all(Array.from({ length: 8 }, () => client.listJobs(window())));
    expect(signIns()).toBe(1);
  });

  it('are kept while fresh, and renewed when less than five minutes of their 24 hours remain', async () => {
    const { client, signIns } = passwordClient();
    await client.listJobs(window());
    server.clock.advance(23 * HOUR);
    await client.listJobs(window());
    server.clock.advance(50 * 60_000);
    await client.listJobs(window());
    expect(signIns()).toBe(1);
    // 23 h 56 min after the sign-in: 4 minutes left.
    server.clock.advance(6 * 60_000);
    await client.listJobs(window());
    expect(signIns()).toBe(2);
    await client.listJobs(window());
    expect(signIns()).toBe(2);
  });

  it('are fetched again once after 401 APIGW.0307, and the call sent again, even an action', async () => {
    // The client's clock stands still, so only the server can tell that the token expired.
    const frozen = server.clock.now();
    const { client, sent } = passwordClient({ now: () => frozen });
    const task = await recordMigration(server, { status: 'Running' });
    await client.listJobs(window());
    server.clock.advance(25 * HOUR);
    const target = { jobId: task.id, instanceId: INSTANCE, dbName: DATABASE };
    expect(await client.cancelMigration(target)).toEqual({ jobId: task.id });
    const cancel = `PUT /v3/${PROJECT_A}/instances/${INSTANCE}/databases/${DATABASE}/migration/jobs/${task.id}/cancel`;
    expect(sent).toEqual([SIGN_IN, `GET /v3/${PROJECT_A}/jobs`, cancel, SIGN_IN, cancel]);
    expect((await client.getJob(task.id)).status).toBe('Canceling');
  });

  it('are fetched again only once: a second APIGW.0307 is the caller’s', async () => {
    const relay = await startRelay(url, (_n, request) =>
      request.method === 'GET' ? gatewayAnswer(401, 'APIGW.0307', 'The token must be updated') : 'forward',
    );
    const { client, signIns } = passwordClient({ endpoint: relay.url });
    expect(await rejection(client.listJobs(window()))).toMatchObject({
      status: 401,
      errorCode: 'APIGW.0307',
    });
    expect(signIns()).toBe(2);
    expect(relay.seen.filter((line) => line.startsWith('GET'))).toHaveLength(2);
    await relay.close();
  });

  it('a fixed token is never renewed: APIGW.0307 is the caller’s at once', async () => {
    const counting = countingFetch();
    const token = await server.tokenFor('alice');
    const client = new DdmClient({
      endpoint: url,
      projectId: PROJECT_A,
      auth: { token },
      fetch: counting.fetch,
    });
    server.clock.advance(25 * HOUR);
    expect(await rejection(client.listJobs(window()))).toMatchObject({
      status: 401,
      errorCode: 'APIGW.0307',
    });
    expect(counting.sent).toHaveLength(1);
  });

  it('sign in by user and project names, with the authUrl given with or without /v3', async () => {
    for (const authUrl of [url, `${url}/v3`, `${url}/v3/`]) {
      const client = new DdmClient({
        endpoint: url,
        auth: { password: { authUrl, username: 'alice', password: PASSWORD, projectName: 'project-a' } },
      });
      expect(await client.projectId()).toBe(PROJECT_A);
    }
  });

  it('a failed sign-in is not repeated by the call on top of the sign-in’s own retries', async () => {
    const { client, signIns } = passwordClient({
      auth: { password: { ...password(url).password, password: 'wrong' } },
    });
    expect(await rejection(client.listJobs(window()))).toMatchObject({ errorCode: 'IAM.401' });
    expect(signIns()).toBe(1);
  });
});
