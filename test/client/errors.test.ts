import {
  ConfigurationError,
  DdmApiError,
  DdmClient,
  isConfigurationError,
  isDdmApiError,
  isNetworkError,
  isTimeoutError,
  NetworkError,
  TimeoutError,
} from '@ddm-jobs/client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ALICE_KEY, startSignedServer } from '../aksk/fixture.js';
import { PROJECT_A, type TestServer } from '../support/harness.js';
import {
  clientFor,
  closedPortUrl,
  closeListening,
  countingFetch,
  DAY,
  listen,
  rejection,
  startSilentServer,
} from './support.js';

/** The error family, each member provoked for real: a real server, a closed port, a silent peer. */
let server: TestServer;
let url: string;
beforeAll(async () => {
  server = await startSignedServer();
  url = await listen(server);
});
afterAll(() => closeListening(server));

const window = () => ({ startTime: server.clock.now() - DAY, endTime: server.clock.now() });

describe('DdmApiError', () => {
  it('a 400 carries the status, DBS.280001, the message and the X-Request-Id of the answer', async () => {
    const counting = countingFetch();
    const client = await clientFor('token', url, server, { fetch: counting.fetch });
    const error = await rejection(client.listJobs({ ...window(), limit: 129 }));
    expect(error).toBeInstanceOf(DdmApiError);
    expect(error).toMatchObject({
      name: 'DdmApiError',
      status: 400,
      errorCode: 'DBS.280001',
      errorMsg: 'Parameter error. limit must be an integer from 1 to 128.',
      body: {
        error_code: 'DBS.280001',
        error_msg: 'Parameter error. limit must be an integer from 1 to 128.',
      },
    });
    expect((error as DdmApiError).requestId).toBe(counting.requestIds.at(-1));
    expect((error as DdmApiError).requestId).toMatch(/\S/);
    expect((error as Error).message).toContain('DBS.280001 Parameter error.');
    // A 400 is the caller's to fix: sent once.
    expect(counting.sent).toHaveLength(1);
  });

  it('a 401 for a token that does not verify is APIGW.0301, its request id in body and header alike', async () => {
    const counting = countingFetch();
    const client = new DdmClient({
      endpoint: url,
      projectId: PROJECT_A,
      auth: 'not-a-token',
      fetch: counting.fetch,
    });
    const error = await rejection(client.getJob('x'));
    expect(error).toMatchObject({
      status: 401,
      errorCode: 'APIGW.0301',
      errorMsg: 'Incorrect IAM authentication information: decrypt token fail',
    });
    const { requestId, body } = error as DdmApiError;
    expect(requestId).toBe(counting.requestIds[0]);
    expect(body).toMatchObject({ request_id: requestId });
  });

  it('a 401 for a signature by the wrong secret key is APIGW.0301', async () => {
    const client = await clientFor('AK/SK', url, server, {
      auth: { accessKey: ALICE_KEY.ak, secretKey: `${ALICE_KEY.sk}x` },
    });
    expect(await rejection(client.listJobs(window()))).toMatchObject({
      status: 401,
      errorCode: 'APIGW.0301',
      errorMsg: 'Incorrect IAM authentication information: verify aksk signature fail',
    });
  });

  it('a wrong IAM password is Keystone’s 401 as IAM.401', async () => {
    const client = await clientFor('password with projectId', url, server);
    const wrong = new DdmClient({
      endpoint: url,
      auth: { password: { authUrl: url, username: 'alice', password: 'wrong', projectId: PROJECT_A } },
    });
    expect(await client.projectId()).toBe(PROJECT_A);
    expect(await rejection(wrong.listJobs(window()))).toMatchObject({
      name: 'DdmApiError',
      status: 401,
      errorCode: 'IAM.401',
      errorMsg: 'The request you have made requires authentication.',
    });
  });
});

describe('NetworkError', () => {
  it('a server that is down: refused, retried, then a NetworkError naming why', async () => {
    const counting = countingFetch();
    const down = await closedPortUrl();
    const client = new DdmClient({
      endpoint: down,
      projectId: PROJECT_A,
      auth: 't',
      retries: 2,
      fetch: counting.fetch,
    });
    const error = await rejection(client.getJob('x'));
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as Error).message).toMatch(/ECONNREFUSED/);
    expect((error as NetworkError).cause).toBeInstanceOf(Error);
    expect(counting.sent).toEqual([
      `GET /v3/${PROJECT_A}/jobs/x`,
      `GET /v3/${PROJECT_A}/jobs/x`,
      `GET /v3/${PROJECT_A}/jobs/x`,
    ]);
  });
});

describe('TimeoutError', () => {
  it('no answer within timeoutMs: each attempt times out, then a TimeoutError', async () => {
    const silent = await startSilentServer();
    const client = new DdmClient({
      endpoint: silent.url,
      projectId: PROJECT_A,
      auth: 't',
      timeoutMs: 150,
      retries: 1,
    });
    const started = Date.now();
    const error = await rejection(client.getJob('x'));
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ name: 'TimeoutError', timeoutMs: 150 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(silent.requests()).toBe(2);
    await silent.close();
  });

  it('a call’s own timeoutMs beats the client’s', async () => {
    const silent = await startSilentServer();
    const client = new DdmClient({ endpoint: silent.url, projectId: PROJECT_A, auth: 't', retries: 0 });
    const error = await rejection(client.listJobs(window(), { timeoutMs: 100 }));
    expect(error).toMatchObject({ name: 'TimeoutError', timeoutMs: 100 });
    await silent.close();
  });
});

describe('aborting', () => {
  it('rejects at once with the signal’s reason (an AbortError), and is not retried', async () => {
    const silent = await startSilentServer();
    const client = new DdmClient({ endpoint: silent.url, projectId: PROJECT_A, auth: 't', retries: 3 });
    const controller = new AbortController();
    const pending = rejection(client.getJob('x', { signal: controller.signal }));
    await vi.waitFor(() => expect(silent.requests()).toBe(1));
    const started = Date.now();
    controller.abort();
    const error = await pending;
    expect(Date.now() - started).toBeLessThan(1000);
    expect(error).toMatchObject({ name: 'AbortError' });
    expect(isNetworkError(error) || isTimeoutError(error)).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(silent.requests()).toBe(1);
    await silent.close();
  });

  it('a signal aborted before the call sends nothing and rejects with its own reason', async () => {
    const counting = countingFetch();
    const client = new DdmClient({ endpoint: url, projectId: PROJECT_A, auth: 't', fetch: counting.fetch });
    const reason = new Error('user went away');
    expect(await rejection(client.listJobs(window(), { signal: AbortSignal.abort(reason) }))).toBe(reason);
    expect(counting.sent).toEqual([]);
  });

  it('an abort while waiting to retry ends the wait', async () => {
    const down = await closedPortUrl();
    const client = new DdmClient({ endpoint: down, projectId: PROJECT_A, auth: 't', retries: 50 });
    const error = await rejection(client.getJob('x', { signal: AbortSignal.timeout(300) }));
    expect(error).toMatchObject({ name: 'TimeoutError' });
    // AbortSignal.timeout's reason is a DOMException named TimeoutError, not the SDK's.
    expect(error).toBeInstanceOf(DOMException);
  });
});

describe('the type guards', () => {
  const api = new DdmApiError(404, 'DBS.300400', 'The task is not found.', 'r', {});
  const network = new NetworkError('down', new Error('ECONNREFUSED'));
  const timeout = new TimeoutError('slow', 5);
  const configuration = new ConfigurationError('no endpoint');

  it('recognise their own class and no other', () => {
    const guards = [isDdmApiError, isNetworkError, isTimeoutError, isConfigurationError];
    const errors = [api, network, timeout, configuration];
    expect(guards.map((guard) => errors.map((e) => guard(e)))).toEqual([
      [true, false, false, false],
      [false, true, false, false],
      [false, false, true, false],
      [false, false, false, true],
    ]);
  });

  it('go by name, so errors of another bundle or realm (plain objects here) pass too', () => {
    expect(isDdmApiError({ name: 'DdmApiError', status: 400 })).toBe(true);
    expect(isNetworkError({ name: 'NetworkError' })).toBe(true);
    expect(isTimeoutError({ name: 'TimeoutError', timeoutMs: 1 })).toBe(true);
    expect(isConfigurationError({ name: 'ConfigurationError' })).toBe(true);
  });

  it('answer false for anything else', () => {
    for (const value of [undefined, null, 'DdmApiError', 404, new Error('x'), { name: 'HTTPError' }, {}]) {
      expect([
        isDdmApiError(value),
        isNetworkError(value),
        isTimeoutError(value),
        isConfigurationError(value),
      ]).toEqual([false, false, false, false]);
    }
  });
});

describe('ConfigurationError', () => {
  it('names what is missing or wrong, before anything is sent', () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ endpoint: url, auth: 'token' }, /projectId is required/],
      [{ projectId: PROJECT_A, auth: 'token' }, /endpoint is required/],
      [{ endpoint: 'ftp://x', projectId: PROJECT_A, auth: 'token' }, /http or https/],
      [{ endpoint: 'not a url', projectId: PROJECT_A, auth: 'token' }, /not a URL/],
      [{ endpoint: url, projectId: PROJECT_A, auth: '' }, /token is empty/],
      [{ endpoint: url, auth: { accessKey: 'a', secretKey: 's' } }, /AK\/SK auth needs projectId/],
      [
        { endpoint: url, auth: { password: { authUrl: url, username: 'a', password: 'p' } } },
        /needs a project/,
      ],
      [
        { endpoint: url, projectId: PROJECT_A, auth: { password: { username: 'a', password: 'p' } } },
        /needs authUrl/,
      ],
      [{ endpoint: url, projectId: PROJECT_A, auth: 42 }, /auth must be/],
      [{ endpoint: url, projectId: PROJECT_A, auth: 't', retries: -1 }, /retries/],
      [{ endpoint: url, projectId: PROJECT_A, auth: 't', timeoutMs: 0 }, /timeoutMs/],
    ];
    for (const [options, message] of cases) {
      let error: unknown;
      try {
        new DdmClient(options as never);
      } catch (e) {
        error = e;
      }
      expect(isConfigurationError(error), String(message)).toBe(true);
      expect((error as Error).message).toMatch(message);
    }
  });

  it('a catalog without a ddm endpoint in the region asked for', async () => {
    const client = new DdmClient({
      projectId: PROJECT_A,
      regionName: 'eu-nl',
      auth: { password: { authUrl: url, username: 'alice', password: 'correct horse battery staple' } },
    });
    const error = await rejection(client.listJobs(window()));
    expect(isConfigurationError(error)).toBe(true);
    expect((error as Error).message).toMatch(/no public endpoint of type ddm in region eu-nl/);
  });
});
