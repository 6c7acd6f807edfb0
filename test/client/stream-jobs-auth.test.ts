import { DdmClient, type DdmClientOptions, isStreamEndedError } from '@ddm-jobs/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ALICE_KEY, startSignedServer } from '../aksk/fixture.js';
import { DAY, HOUR } from '../support/api.js';
import { feedWaiters } from '../support/feed.js';
import { PASSWORD, PROJECT_A, type TestServer } from '../support/harness.js';
import { openStream } from './stream-support.js';
import {
  clientFor,
  closeListening,
  countingFetch,
  gatewayAnswer,
  listen,
  type Relay,
  recordMigration,
  rejection,
  startRelay,
} from './support.js';

/**
 * `streamJobs` with each way of authenticating (a token, password with renewal, AK/SK signed as
 * any GET) and its failures as the SDK's typed errors: refused credentials, a gateway's 503
 * (the opening is retried), a broken connection, an answer that is not a stream.
 */
let server: TestServer;
let url: string;
let relay: Relay | undefined;
beforeEach(async () => {
  server = await startSignedServer({ feed: { pollMs: 20, keepAliveMs: 20 } });
  url = await listen(server);
});
afterEach(async () => {
  await relay?.close();
  relay = undefined;
  await closeListening(server);
});

const STREAM = `GET /v3/${PROJECT_A}/jobs/stream`;
const SIGN_IN = 'POST /v3/auth/tokens';

function passwordClient(extra: Partial<DdmClientOptions> = {}) {
  const counting = countingFetch();
  const client = new DdmClient({
    endpoint: url,
    auth: { password: { authUrl: url, username: 'alice', password: PASSWORD, projectId: PROJECT_A } },
    now: () => server.clock.now(),
    fetch: counting.fetch,
    ...extra,
  });
  return { client, sent: counting.sent };
}

/** The first event of a stream opened now, for a task recorded once it is open. */
async function firstEventOf(client: DdmClient) {
  const { events, first } = await openStream(client, server);
  const task = await recordMigration(server);
  const { value } = await first;
  await events.return?.();
  expect(value?.event).toMatchObject({ type: 'created', job: { id: task.id } });
  return value;
}

describe('streamJobs authenticates', () => {
  it('with AK/SK, signing the request as any GET', async () => {
    await firstEventOf(await clientFor('AK/SK', url, server));
  });

  it('with AK/SK by the wrong secret key: refused with DdmApiError 401 APIGW.0301', async () => {
    const client = await clientFor('AK/SK', url, server, {
      auth: { accessKey: ALICE_KEY.ak, secretKey: 'not the secret key' },
    });
    expect(await rejection(client.streamJobs().next())).toMatchObject({
      name: 'DdmApiError',
      status: 401,
      errorCode: 'APIGW.0301',
    });
  });

  it('with a token that does not verify: DdmApiError 401 APIGW.0301 with its request id, sent once', async () => {
    const counting = countingFetch();
    const client = new DdmClient({
      endpoint: url,
      projectId: PROJECT_A,
      auth: 'not-a-token',
      fetch: counting.fetch,
    });
    const error = await rejection(client.streamJobs().next());
    expect(error).toMatchObject({ name: 'DdmApiError', status: 401, errorCode: 'APIGW.0301' });
    expect((error as { requestId: string }).requestId).toBe(counting.requestIds[0]);
    expect(counting.sent).toEqual([STREAM]);
  });

  it('with password: after the server ends the stream at the token’s expiry (StreamEndedError token_expired), the next one signs in again', async () => {
    const { client, sent } = passwordClient();
    const { events, first } = await openStream(client, server);
    server.clock.advance(DAY);
    expect(await rejection(first)).toMatchObject({ name: 'StreamEndedError', reason: 'token_expired' });
    await events.return?.();
    await feedWaiters(server, 0);
    await firstEventOf(client);
    expect(sent).toEqual([SIGN_IN, STREAM, SIGN_IN, STREAM]);
  });

  it('with password: a 401 APIGW.0307 on opening makes it sign in again and open', async () => {
    // The client's clock stands still, so only the server can tell that the token expired.
    const frozen = server.clock.now();
    const { client, sent } = passwordClient({ now: () => frozen });
    await client.getJobHistory((await recordMigration(server)).id);
    server.clock.advance(25 * HOUR);
    await firstEventOf(client);
    expect(sent.slice(2)).toEqual([STREAM, SIGN_IN, STREAM]);
  });
});

describe('streamJobs fails with typed errors', () => {
  const userId = async (name: string) =>
    (await server.store.findUser({ name, domainId: 'default' }))?.id ?? '';

  it('a StreamEndedError credentials_revoked when the access key that opened it is disabled', async () => {
    const client = await clientFor('AK/SK', url, server);
    const { first } = await openStream(client, server);
    await server.store.setCredentialEnabled(ALICE_KEY.ak, false);
    const error = await rejection(first);
    expect(error).toMatchObject({ name: 'StreamEndedError', reason: 'credentials_revoked' });
    expect(isStreamEndedError(error)).toBe(true);
    expect((error as { requestId?: string }).requestId).toMatch(/^[0-9a-f]{32}$/);
    await feedWaiters(server, 0);
  });

  it('a StreamEndedError access_revoked when the token’s user loses its role on the project', async () => {
    const client = await clientFor('token', url, server);
    const { first } = await openStream(client, server);
    await server.store.revokeRole(await userId('alice'), PROJECT_A, 'te_admin');
    expect(await rejection(first)).toMatchObject({ name: 'StreamEndedError', reason: 'access_revoked' });
  });

  it('done, not an error, when the server stops: the caller connects again', async () => {
    const client = await clientFor('token', url, server);
    const { first } = await openStream(client, server);
    await server.app.close();
    expect(await first).toEqual({ done: true, value: undefined });
  });

  it('after a gateway’s 503 on opening, which is retried like a read', async () => {
    relay = await startRelay(url, (n) =>
      n < 1 ? gatewayAnswer(503, 'APIGW.0202', 'Backend unavailable') : 'forward',
    );
    await firstEventOf(await clientFor('token', relay.url, server));
    expect(relay.seen).toEqual([`${STREAM} -> 503`, `${STREAM} -> 200`]);
  });

  it('a NetworkError when the connection breaks mid-stream', async () => {
    relay = await startRelay(url, () => 'forward');
    const client = await clientFor('token', relay.url, server);
    const { first } = await openStream(client, server);
    await relay.close();
    expect(await rejection(first)).toMatchObject({ name: 'NetworkError' });
  });

  it('a DdmApiError HTTP.200 for an answer that is not an event stream, not a hang', async () => {
    relay = await startRelay(url, () => ({ status: 200, headers: { 'x-request-id': 'r-1' }, body: '{}' }));
    const client = await clientFor('token', relay.url, server);
    expect(await rejection(client.streamJobs().next())).toMatchObject({
      name: 'DdmApiError',
      status: 200,
      errorCode: 'HTTP.200',
      requestId: 'r-1',
    });
  });

  it('the server’s 400 DBS.280001 for a lastEventId it cannot read: it is sent as Last-Event-ID', async () => {
    const client = await clientFor('token', url, server);
    expect(await rejection(client.streamJobs({ lastEventId: 'yesterday' }).next())).toMatchObject({
      status: 400,
      errorCode: 'DBS.280001',
    });
  });

  it('a TypeError for a lastEventId with a line break, nothing sent', async () => {
    const counting = countingFetch();
    const client = await clientFor('token', url, server, { fetch: counting.fetch });
    expect(() => client.streamJobs({ lastEventId: '7\r\nX-Evil: 1' })).toThrow(TypeError);
    expect(counting.sent).toEqual([]);
  });
});
