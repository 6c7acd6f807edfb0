import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { internal, PARAMETER_ERROR } from '../support/api.js';
import { feedGauges, feedWaiters } from '../support/feed.js';
import { startTestServer, type TestServer } from '../support/harness.js';
import { connectSse } from '../support/sse-client.js';

/** The change feed as Server-Sent Events: `GET /internal/v1/events` with `Accept: text/event-stream`. */

describe('the change feed as an event stream', () => {
  let server: TestServer;
  let base: string;
  let closed = false;
  const open = async (options: Parameters<typeof startTestServer>[0] = {}) => {
    server = await startTestServer({ feed: { pollMs: 20 }, ...options });
    base = await server.app.listen({ port: 0, host: '127.0.0.1' });
    closed = false;
  };
  afterEach(async () => {
    if (!closed) await server.close();
  });

  const workerHeaders = async (extra: Record<string, string> = {}) => ({
    'x-auth-token': await server.tokenFor('worker'),
    ...extra,
  });
  const follow = async (query = '', extra: Record<string, string> = {}) =>
    connectSse(base, `/internal/v1/events${query}`, await workerHeaders(extra));
  /** The feed's entries as JSON, to compare the stream with. */
  const feedJson = async (query = '') =>
    (await internal(server, 'GET', `/internal/v1/events${query}`)).json().events as { cursor: string }[];

  it('frames each event as id, event and one line of data, with the stream headers', async () => {
    await open();
    const first = await server.record({ name: 'CreateInstance' });
    const stream = await follow();
    expect(stream.status).toBe(200);
    expect(stream.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(stream.headers['cache-control']).toBe('no-cache');
    expect(stream.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/);
    await stream.until((s) => s.events().length === 1);
    server.clock.advance(5_000);
    const second = await server.record({
      name: 'RestartInstance',
      database_name: 'line\u2028separator "quoted"',
    });
    await stream.until((s) => s.events().length === 2);
    const [one, two] = await feedJson();
    const at = server.clock.now();
    expect(stream.text()).toBe(
      `id: ${one?.cursor}\nevent: created\ndata: ${JSON.stringify({ cursor: one?.cursor, type: 'created', at: at - 5_000, job: first })}\n\n` +
        `id: ${two?.cursor}\nevent: created\ndata: ${JSON.stringify({ cursor: two?.cursor, type: 'created', at, job: second })}\n\n`,
    );
    stream.close();
  });

  it('starts after `after`, and after Last-Event-ID when both are sent', async () => {
    await open();
    const ids: unknown[] = [];
    for (let i = 0; i < 4; i++) ids.push((await server.record({ name: 'CreateInstance' })).id);
    const cursors = (await feedJson()).map((e) => e.cursor);
    const fromAfter = await follow(`?after=${cursors[1]}`);
    await fromAfter.until((s) => s.events().length === 2);
    expect(fromAfter.events().map((f) => f.id)).toEqual(cursors.slice(2));
    const resumed = await follow(`?after=${cursors[0]}`, { 'last-event-id': String(cursors[2]) });
    await resumed.until((s) => s.events().length === 1);
    expect(resumed.events().map((f) => [f.id, JSON.parse(f.data ?? '').job.id])).toEqual([
      [cursors[3], ids[3]],
    ]);
    // Nothing more arrives until something happens; then exactly that.
    const fifth = await server.record({ name: 'CreateInstance' });
    await resumed.until((s) => s.events().length === 2);
    await fromAfter.until((s) => s.events().length === 3);
    expect(JSON.parse(resumed.events()[1]?.data ?? '').job).toEqual(fifth);
    fromAfter.close();
    resumed.close();
  });

  it('pages through a long backlog with limit, in order, each event once', async () => {
    await open();
    for (let i = 0; i < 25; i++) await server.record({ name: 'CreateInstance' });
    const stream = await follow('?limit=4');
    await stream.until((s) => s.events().length === 25);
    expect(stream.events().map((f) => f.id)).toEqual((await feedJson()).map((e) => e.cursor));
    stream.close();
  });

  it('sends a keep-alive comment at the configured interval', async () => {
    await open({ feed: { pollMs: 20, keepAliveMs: 50 } });
    const stream = await follow();
    await stream.until((s) => s.frames().filter((f) => f.comment === 'keep-alive').length >= 2);
    expect(stream.text().startsWith(': keep-alive\n\n: keep-alive\n\n')).toBe(true);
    expect(stream.events()).toEqual([]);
    stream.close();
  });

  it('has no HEAD form: 405 with Allow: GET', async () => {
    await open();
    const response = await server.app.inject({ method: 'HEAD', url: '/internal/v1/events' });
    expect(response.statusCode).toBe(405);
    expect(response.headers.allow).toBe('GET');
  });

  it('rejects a Last-Event-ID that is not a cursor with 400 DBS.280001, as JSON', async () => {
    await open();
    for (const bad of ['-1', 'abc', '1.5', '1,2']) {
      const answer = await follow('', { 'last-event-id': bad });
      expect(answer.status).toBe(400);
      expect(answer.text()).toBe(PARAMETER_ERROR('Last-Event-ID must be a cursor: an integer from 0.'));
    }
    const bad = await follow('?limit=0');
    expect(bad.status).toBe(400);
    expect(bad.text()).toBe(PARAMETER_ERROR('limit must be an integer from 1 to 1000.'));
  });

  it('ends streams and answers long-polls when the app closes, without hanging', async () => {
    await open();
    await server.record({ name: 'CreateInstance' });
    const stream = await follow();
    await stream.until((s) => s.events().length === 1);
    const cursor = (await feedJson())[0]?.cursor;
    const longPoll = fetch(`${base}/internal/v1/events?after=${cursor}&wait=30`, {
      headers: await workerHeaders(),
    });
    await feedWaiters(server, 2);
    const started = performance.now();
    closed = true;
    await server.close();
    expect(performance.now() - started).toBeLessThan(2_000);
    await stream.ended;
    const answer = await longPoll;
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ events: [], next_cursor: cursor });
  });

  it('frees every waiter after 50 stream and 10 long-poll disconnects, stops polling, and logs each stream once', async () => {
    await open();
    for (let i = 0; i < 50; i++) {
      const stream = await follow();
      await feedWaiters(server, 1);
      stream.close();
      await feedWaiters(server, 0);
    }
    // Long-polls whose client goes away free their wait too.
    for (let i = 0; i < 10; i++) {
      const gone = new AbortController();
      const longPoll = fetch(`${base}/internal/v1/events?wait=60&after=1000`, {
        headers: await workerHeaders(),
        signal: gone.signal,
      });
      await feedWaiters(server, 1);
      gone.abort();
      await expect(longPoll).rejects.toThrow();
      await feedWaiters(server, 0);
    }
    const deadline = performance.now() + 5_000;
    while ((await feedGauges(server)).polling !== 0 && performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(await feedGauges(server)).toEqual({ waiters: 0, polling: 0 });
    const metrics = (await server.app.inject({ url: '/metrics' })).body;
    expect(metrics).toContain(
      'ddm_jobs_http_requests_total{route="/internal/v1/events",method="GET",status="200"} 50',
    );
  });

  it('counts a stream once against the credential rate, however much it sends', async () => {
    await open({
      feed: { pollMs: 20, keepAliveMs: 20 },
      rateLimits: { perCredential: 2, perServiceCredential: 2, perAddress: 0 },
    });
    // Events written before the stream: the worker's records spend allowance too, so each is
    // followed by a real second that refills it (the test's real clock stands still otherwise).
    for (let i = 0; i < 3; i++) {
      await server.record({ name: 'CreateInstance' });
      server.realClock.advance(1_000);
    }
    const stream = await follow();
    await stream.until((s) => s.events().length === 3 && s.frames().length >= 6);
    const headers = await workerHeaders();
    const second = await server.app.inject({ url: '/internal/v1/events', headers });
    expect(second.statusCode).toBe(200);
    const third = await server.app.inject({ url: '/internal/v1/events', headers });
    expect(third.statusCode).toBe(429);
    stream.close();
  });
});
