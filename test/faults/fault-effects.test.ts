import { request as httpRequest } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_A, PROJECT_B } from '../support/harness.js';
import { passwordAuth } from '../support/keystone-body.js';
import { type FaultyEmulator, startFaultyEmulator } from './support.js';

/**
 * Each effect of a fault rule as a client over a real socket sees it: an error answer of the
 * table, added latency, a connection closed without an answer, a body cut short; how often rules
 * fire (always, N times, seeded probability), and what they never touch (another project, the
 * internal API).
 */
let emu: FaultyEmulator;
beforeAll(async () => {
  emu = await startFaultyEmulator();
});
afterAll(() => emu.close());
afterEach(async () => {
  expect((await emu.service('DELETE', '/internal/v1/faults')).status).toBe(204);
});

/** The answer's status and body bytes as read off the socket, and the Content-Length it declared. */
function rawGet(
  url: string,
  token: string,
): Promise<{ status: number; declared: number; received: number; error: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { headers: { 'x-auth-token': token } }, (response) => {
      let received = 0;
      const done = (error: string) =>
        resolve({
          status: response.statusCode ?? 0,
          declared: Number(response.headers['content-length']),
          received,
          error,
        });
      response.on('data', (chunk: Buffer) => {
        received += chunk.length;
      });
      response.on('end', () => done(''));
      response.on('error', (error) => done(error.message));
      response.on('aborted', () => done('aborted'));
    });
    request.on('error', reject);
    request.end();
  });
}

describe('an error effect', () => {
  it('answers 503 APIGW.0202 in the gateway’s shape with Retry-After, for the next N calls, then the real answer', async () => {
    const rule = await emu.fault({
      match: { operation: 'ListTasks' },
      fire: { times: 2 },
      effect: { type: 'error', status: 503, error_code: 'APIGW.0202' },
    });
    const first = await emu.list();
    expect(first.status).toBe(503);
    expect(first.headers.get('retry-after')).toBe('1');
    expect(first.json()).toEqual({
      error_code: 'APIGW.0202',
      error_msg: 'Backend unavailable',
      request_id: first.headers.get('x-request-id'),
    });
    expect((await emu.list()).status).toBe(503);
    const third = await emu.list();
    expect(third.status).toBe(200);
    expect(third.json()).toMatchObject({ jobs: [], total: 0 });
    const listed = (await emu.service('GET', '/internal/v1/faults')).json();
    expect(listed.faults).toEqual([{ ...rule, fired: 2 }]);
  });

  it('answers DDM’s shape for a DBS code, with the message and Retry-After given', async () => {
    await emu.fault({
      match: { method: 'GET', path: '/v3/*/jobs' },
      effect: {
        type: 'error',
        status: 500,
        error_code: 'DBS.300002',
        error_msg: 'Injected.',
        retry_after: 7,
      },
    });
    const answer = await emu.list();
    expect(answer.status).toBe(500);
    expect(answer.json()).toEqual({ error_code: 'DBS.300002', error_msg: 'Injected.' });
    expect(answer.headers.get('retry-after')).toBe('7');
  });

  it('fires on Keystone’s token route too (429 APIGW.0308)', async () => {
    await emu.fault({
      match: { operation: 'KeystoneCreateToken' },
      fire: { times: 1 },
      effect: { type: 'error', status: 429, error_code: 'APIGW.0308' },
    });
    const signIn = () =>
      fetch(`${emu.url}/v3/auth/tokens`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(
          passwordAuth(
            { name: 'alice', domain: { name: 'default' }, password: 'correct horse battery staple' },
            { project: { id: PROJECT_A } },
          ),
        ),
      });
    const refused = await signIn();
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({ error_code: 'APIGW.0308' });
    expect((await signIn()).status).toBe(201);
  });
});

describe('a latency effect', () => {
  it('holds the call the given time, then answers as usual', async () => {
    await emu.fault({ match: { operation: 'ListTasks' }, effect: { type: 'latency', ms: 400 } });
    const started = performance.now();
    const answer = await emu.list();
    expect(answer.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(395);
  });
});

describe('a drop effect', () => {
  it('closes the connection without an answer; the next call is answered', async () => {
    await emu.fault({ match: { operation: 'ListTasks' }, fire: { times: 1 }, effect: { type: 'drop' } });
    await expect(emu.list()).rejects.toThrow(/fetch failed/);
    expect((await emu.list()).status).toBe(200);
  });
});

describe('a truncate effect', () => {
  it('declares the whole Content-Length, sends the bytes given, then closes', async () => {
    await emu.fault({ match: { operation: 'ListTasks' }, effect: { type: 'truncate', bytes: 5 } });
    const now = emu.server.clock.now();
    const cut = await rawGet(
      `${emu.url}/v3/${PROJECT_A}/jobs?start_time=${now - 1000}&end_time=${now}`,
      await emu.server.tokenFor('alice'),
    );
    expect(cut).toMatchObject({ status: 200, received: 5, error: 'aborted' });
    expect(cut.declared).toBe('{"jobs":[],"offset":0,"limit":10,"total":0}'.length);
    // fetch, told more than it gets, fails reading the body.
    const answer = await fetch(`${emu.url}/v3/${PROJECT_A}/jobs?start_time=${now - 1000}&end_time=${now}`, {
      headers: { 'x-auth-token': await emu.server.tokenFor('alice') },
    });
    await expect(answer.text()).rejects.toThrow(/terminated/);
  });
});

describe('firing with a probability', () => {
  /** The statuses of 24 list calls under a 50% rule of this seed. */
  async function run(seed: number): Promise<number[]> {
    await emu.service('DELETE', '/internal/v1/faults');
    await emu.fault({
      match: { operation: 'ListTasks' },
      fire: { probability: 0.5, seed },
      effect: { type: 'error', status: 503, error_code: 'APIGW.0202', retry_after: 0 },
    });
    const statuses: number[] = [];
    for (let i = 0; i < 24; i++) statuses.push((await emu.list()).status);
    return statuses;
  }

  it('gives the same sequence of answers for the same seed, another for another seed', async () => {
    const first = await run(7);
    expect(new Set(first)).toEqual(new Set([200, 503]));
    expect(await run(7)).toEqual(first);
    expect(await run(8)).not.toEqual(first);
  });

  it('draws a seed when none is given and shows it, so that the run can be replayed', async () => {
    const rule = await emu.fault({
      match: { operation: 'ListTasks' },
      fire: { probability: 0.5 },
      effect: { type: 'error', status: 503, error_code: 'APIGW.0202' },
    });
    expect(rule.fire.seed).toEqual(expect.any(Number));
  });
});

describe('what a rule never touches', () => {
  it('another project’s calls', async () => {
    await emu.fault({
      match: { operation: 'ListTasks', project_id: PROJECT_B },
      effect: { type: 'error', status: 503, error_code: 'APIGW.0202' },
    });
    expect((await emu.list(PROJECT_A)).status).toBe(200);
    expect((await emu.list(PROJECT_B)).status).toBe(503);
  });

  it('the internal API and the operations routes, even under a rule matching every path', async () => {
    const rule = await emu.fault({ match: { path: '/**' }, effect: { type: 'drop' } });
    await expect(emu.list()).rejects.toThrow(/fetch failed/);
    expect((await emu.service('GET', '/internal/v1/clock')).status).toBe(200);
    expect((await fetch(`${emu.url}/healthz`)).status).toBe(200);
    expect((await emu.service('GET', '/internal/v1/faults')).json().faults).toEqual([{ ...rule, fired: 1 }]);
  });
});

describe('a fired fault', () => {
  it('is counted on /metrics by rule and effect', async () => {
    const rule = await emu.fault({
      match: { operation: 'ListTasks' },
      fire: { times: 2 },
      effect: { type: 'error', status: 503, error_code: 'APIGW.0202' },
    });
    for (let i = 0; i < 3; i++) await emu.list();
    const metrics = await (await fetch(`${emu.url}/metrics`)).text();
    expect(metrics).toContain(`ddm_jobs_faults_fired_total{rule="${rule.id}",effect="error"} 2`);
  });
});
