import { performance } from 'node:perf_hooks';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Answer, gatewayBodyFor, internal, MINUTE, PARAMETER_ERROR } from '../support/api.js';
import { feedWaiters } from '../support/feed.js';
import { PROJECT_A, PROJECT_B, startTestServer, type TestServer } from '../support/harness.js';

/** The change feed as JSON, `GET /internal/v1/events`: order, paging, long-polls and its rules. */

interface FeedEvent {
  cursor: string;
  type: string;
  at: number;
  job: Record<string, unknown> | null;
}

describe('GET /internal/v1/events', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer({ feed: { pollMs: 20 } });
  });
  afterEach(() => server.close());

  const feed = (query = '') => internal(server, 'GET', `/internal/v1/events${query}`);
  const body = (response: Answer) => response.json() as { events: FeedEvent[]; next_cursor: string };
  const patch = async (id: unknown, change: Record<string, unknown>) => {
    const response = await internal(server, 'PATCH', `/internal/v1/jobs/${id}`, change);
    expect(response.statusCode).toBe(200);
    return response.json().job as Record<string, unknown>;
  };

  /** Writes a creation, a change, a second creation and a removal; returns what each wrote. */
  async function writeFour() {
    const now = server.clock.now();
    const first = await server.record({ name: 'CreateInstance', created_at: now - MINUTE });
    server.clock.advance(1_000);
    const changed = await patch(first.id, { progress: 40 });
    const second = await server.record({ name: 'migrateLogicDb', status: 'Failed', fail_reason: 'disk' });
    server.clock.advance(1_000);
    const row = await server.store.getJob(String(second.id));
    const removed = await server.store.removeJob(
      String(second.id),
      row?.version ?? 0,
      server.clock.now(),
      'u1',
    );
    expect(removed).toBeDefined();
    return { first, changed, second, removedAt: server.clock.now() };
  }

  it('tells every creation, change and removal in order, with increasing cursors', async () => {
    const start = server.clock.now();
    const { first, changed, second, removedAt } = await writeFour();
    const response = await feed();
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    const { events, next_cursor } = body(response);
    expect(events.map((e) => [e.type, e.job?.id])).toEqual([
      ['created', first.id],
      ['changed', first.id],
      ['created', second.id],
      ['removed', second.id],
    ]);
    const cursors = events.map((e) => Number(e.cursor));
    for (const cursor of events.map((e) => e.cursor)) expect(cursor).toMatch(/^[1-9][0-9]*$/);
    expect(cursors).toEqual([...cursors].sort((a, b) => a - b));
    expect(new Set(cursors).size).toBe(4);
    expect(next_cursor).toBe(events[3]?.cursor);
    // Each entry carries the task as the internal API showed it after that write.
    expect(events[0]).toEqual({ cursor: events[0]?.cursor, type: 'created', at: start, job: first });
    expect(events[1]).toEqual({
      cursor: events[1]?.cursor,
      type: 'changed',
      at: start + 1_000,
      job: changed,
    });
    expect(events[2]?.job).toEqual(second);
    expect(events[3]).toEqual({ cursor: events[3]?.cursor, type: 'removed', at: removedAt, job: second });
    expect(Object.keys(events[0] ?? {})).toEqual(['cursor', 'type', 'at', 'job']);
  });

  it('pages with limit and next_cursor, seeing every event exactly once', async () => {
    await writeFour();
    await writeFour();
    const all = body(await feed()).events;
    expect(all).toHaveLength(8);
    for (const limit of [1, 3]) {
      const seen: FeedEvent[] = [];
      let cursor = '0';
      for (let page = 0; page < 20; page++) {
        const { events, next_cursor } = body(await feed(`?after=${cursor}&limit=${limit}`));
        expect(events.length).toBeLessThanOrEqual(limit);
        seen.push(...events);
        if (events.length === 0) {
          expect(next_cursor).toBe(cursor);
          break;
        }
        cursor = next_cursor;
      }
      expect(seen).toEqual(all);
    }
  });

  it('reads from the beginning without after, 100 events by default, up to 1000 with limit', async () => {
    for (let i = 0; i < 101; i++) await server.record({ name: 'CreateInstance' });
    const first = body(await feed());
    expect(first.events).toHaveLength(100);
    expect(first.events[0]?.cursor).toBe(body(await feed('?after=0&limit=1')).events[0]?.cursor);
    expect(body(await feed('?limit=1000')).events).toHaveLength(101);
    const rest = body(await feed(`?after=${first.next_cursor}`));
    expect(rest.events).toHaveLength(1);
  });

  it('echoes after (as a plain number) as next_cursor when nothing follows it', async () => {
    const { next_cursor } = body(await feed());
    expect(body(await feed())).toEqual({ events: [], next_cursor: '0' });
    expect(body(await feed('?after=0042'))).toEqual({ events: [], next_cursor: '42' });
    expect(next_cursor).toBe('0');
  });

  it('tells a reset with a null job, after which cursors keep increasing', async () => {
    await writeFour();
    const before = body(await feed()).next_cursor;
    await server.store.resetJobs(server.clock.now());
    const { events } = body(await feed(`?after=${before}`));
    expect(events).toEqual([
      { cursor: expect.any(String), type: 'reset', at: server.clock.now(), job: null },
    ]);
    const reset = Number(events[0]?.cursor);
    expect(reset).toBeGreaterThan(Number(before));
    const next = await server.record({ name: 'CreateInstance' });
    const after = body(await feed(`?after=${reset}`)).events;
    expect(after.map((e) => [e.type, e.job?.id, Number(e.cursor) > reset])).toEqual([
      ['created', next.id, true],
    ]);
  });

  describe('long-polls', () => {
    it('answers a wait as soon as another request records a task, with that event', async () => {
      const { next_cursor } = body(await feed());
      const started = performance.now();
      const waiting = feed(`?after=${next_cursor}&wait=5`);
      let answered = false;
      void waiting.then(() => {
        answered = true;
      });
      // Nothing is written before the request waits.
      await feedWaiters(server, 1);
      expect(answered).toBe(false);
      const job = await server.record({ name: 'RestartInstance', project_id: PROJECT_B });
      const response = await waiting;
      const elapsed = performance.now() - started;
      expect(response.statusCode).toBe(200);
      const { events, next_cursor: next } = body(response);
      expect(events.map((e) => [e.type, e.job])).toEqual([['created', job]]);
      expect(next).toBe(events[0]?.cursor);
      expect(elapsed).toBeLessThan(2_000);
    });

    it('answers at once when events already follow the cursor', async () => {
      await server.record({ name: 'CreateInstance' });
      const started = performance.now();
      const { events } = body(await feed('?after=0&wait=60'));
      expect(events).toHaveLength(1);
      expect(performance.now() - started).toBeLessThan(1_000);
    });

    it('answers no events once the wait ends with nothing happening', async () => {
      await server.record({ name: 'CreateInstance' });
      const { next_cursor } = body(await feed());
      const started = performance.now();
      const response = await feed(`?after=${next_cursor}&wait=1`);
      const elapsed = performance.now() - started;
      expect(body(response)).toEqual({ events: [], next_cursor });
      expect(elapsed).toBeGreaterThanOrEqual(950);
      expect(elapsed).toBeLessThan(3_000);
    });
  });
});

describe('the rules of GET /internal/v1/events', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());
  const feed = (query = '') => internal(server, 'GET', `/internal/v1/events${query}`);

  const cases: [string, string][] = [
    ['?after=-1', 'after must be a cursor: an integer from 0.'],
    ['?after=abc', 'after must be a cursor: an integer from 0.'],
    ['?after=', 'after must be a cursor: an integer from 0.'],
    ['?after=1&after=2', 'after must be a cursor: an integer from 0.'],
    ['?after=1e3', 'after must be a cursor: an integer from 0.'],
    ['?after=99999999999999999999', 'after must be a cursor: an integer from 0.'],
    ['?limit=0', 'limit must be an integer from 1 to 1000.'],
    ['?limit=1001', 'limit must be an integer from 1 to 1000.'],
    ['?limit=10.0', 'limit must be an integer from 1 to 1000.'],
    ['?wait=61', 'wait must be an integer number of seconds from 0 to 60.'],
    ['?wait=1.5', 'wait must be an integer number of seconds from 0 to 60.'],
    ['?wait=-1', 'wait must be an integer number of seconds from 0 to 60.'],
  ];
  for (const [query, rule] of cases) {
    it(`rejects ${query} with DBS.280001 naming the parameter`, async () => {
      const response = await feed(query);
      expect(response.statusCode).toBe(400);
      expect(response.body).toBe(PARAMETER_ERROR(rule));
    });
  }

  it('accepts the bounds: after=0, limit=1 and 1000, wait=0', async () => {
    for (const query of ['?after=0', '?limit=1', '?limit=1000', '?wait=0', '?unknown=x']) {
      expect((await feed(query)).statusCode).toBe(200);
    }
  });

  it('rejects a request without credentials with 401 APIGW.0301, before its parameters', async () => {
    const response = await server.app.inject({ url: '/internal/v1/events?after=abc' });
    expect(response.statusCode).toBe(401);
    expect(response.body).toBe(gatewayBodyFor(response, 'tokenMissing'));
  });

  it('rejects a tenant without the service role with 403 APIGW.0302', async () => {
    const response = await server.app.inject({
      url: '/internal/v1/events',
      headers: { 'x-auth-token': await server.tokenFor('alice', PROJECT_A) },
    });
    expect(response.statusCode).toBe(403);
    expect(response.body).toBe(gatewayBodyFor(response, 'notAuthorized'));
  });
});

describe('the OpenAPI document', () => {
  it('describes the feed (JSON and event stream) and the tenant stream as our extension', async () => {
    const server = await startTestServer();
    try {
      const document = (await server.app.inject({ url: '/openapi.json' })).json();
      const feed = document.paths['/internal/v1/events'].get;
      expect(feed.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`)).toEqual([
        'query:after',
        'query:limit',
        'query:wait',
        'header:Last-Event-ID',
      ]);
      expect(Object.keys(feed.responses['200'].content)).toEqual(['application/json', 'text/event-stream']);
      expect(Object.keys(feed.responses)).toEqual(expect.arrayContaining(['200', '400', '401', '403']));
      const stream = document.paths['/v3/{project_id}/jobs/stream'].get;
      expect(stream['x-ddm-jobs-extension']).toBe(true);
      expect(stream.description).toMatch(/^Not in the cloud\./);
      expect(Object.keys(stream.responses['200'].content)).toEqual(['text/event-stream']);
      expect(
        stream.responses['200'].content['text/event-stream']['x-event-data'].properties.job.anyOf[0]
          .properties,
      ).toHaveProperty('operations');
    } finally {
      await server.close();
    }
  });
});
