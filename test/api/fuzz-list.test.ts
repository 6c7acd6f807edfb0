import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Answer, DAY, HOUR, oldestStart } from '../support/api.js';
import { anyText, headerValue, looselyEncode, percentEncode } from '../support/fuzz.js';
import { PROJECT_A, PROJECT_B, startTestServer, type TestServer } from '../support/harness.js';

/**
 * Generated input on the tenant's routes (design, reliability): thousands of random queries,
 * headers and paths, each answered with a documented 4xx or a well-formed 200, never a 5xx.
 */

const GATEWAY_401 = ['APIGW.0301', 'APIGW.0307'];

/** What every answer must be, whatever was sent. */
function expectDocumentedAnswer(response: Answer, allowed: number[]) {
  const requestId = response.headers['x-request-id'];
  expect(requestId).toMatch(/^[0-9a-f]{32}$/);
  expect(allowed).toContain(response.statusCode);
  const body = JSON.parse(response.body);
  switch (response.statusCode) {
    case 400:
      expect(Object.keys(body)).toEqual(['error_code', 'error_msg']);
      expect(body.error_code).toBe('DBS.280001');
      expect(body.error_msg).toMatch(/^Parameter error\. /);
      break;
    case 401:
      expect(GATEWAY_401).toContain(body.error_code);
      expect(body.request_id).toBe(requestId);
      break;
    case 403:
      expect(body.error_code).toBe('APIGW.0302');
      expect(body.request_id).toBe(requestId);
      break;
    case 404:
      expect(['DBS.300400', 'APIGW.0101']).toContain(body.error_code);
      break;
    case 414:
      // Eight query pairs of long encoded text can pass the URL limit (8 KiB): the gateway's answer.
      expect(body.error_code).toBe('APIGW.0201');
      expect(body.request_id).toBe(requestId);
      break;
  }
  return body;
}

describe('generated input on the tenant routes', () => {
  let server: TestServer;
  let now: number;
  let tokens: { alice: string; bob: string };

  beforeAll(async () => {
    server = await startTestServer();
    now = server.clock.now();
    for (let i = 0; i < 30; i++) await server.record({ name: 'CreateInstance', created_at: now - i * HOUR });
    tokens = { alice: await server.tokenFor('alice'), bob: await server.tokenFor('bob') };
  });
  afterAll(() => server.close());

  /** Values near every boundary of section 2, and anything else. */
  const value = () =>
    fc.oneof(
      { weight: 3, arbitrary: fc.integer({ min: -3, max: 140 }).map(String) },
      {
        weight: 3,
        arbitrary: fc
          .constantFrom(
            oldestStart(now) - 1,
            oldestStart(now),
            now - DAY,
            now - 1,
            now,
            now + 1,
            Number.MAX_SAFE_INTEGER,
            Number.MAX_SAFE_INTEGER + 1,
          )
          .map(String),
      },
      {
        weight: 1,
        arbitrary: fc.constantFrom('10.0', '1e3', ' 5', '+5', '0x10', '', '-0', '007', '١٢', '１０'),
      },
      { weight: 3, arbitrary: anyText() },
      { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 20_000 }).map((n) => '9'.repeat(n)) },
    );
  const key = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom('offset', 'limit', 'start_time', 'end_time') },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '__proto__',
        'constructor',
        'toString',
        'Limit',
        'limit[]',
        'offset ',
        '%6Cimit',
      ),
    },
    { weight: 2, arbitrary: anyText(12) },
  );
  const encoded = (text: string, loose: boolean) => (loose ? looselyEncode(text) : percentEncode(text));

  it('answers 3000 random queries and headers on the list with a documented status, never a 5xx', async () => {
    const query = fc
      .tuple(fc.boolean(), fc.array(fc.tuple(key, value(), fc.boolean(), fc.boolean()), { maxLength: 8 }))
      .map(([withWindow, pairs]) => {
        const parts = withWindow ? [`start_time=${now - DAY}`, `end_time=${now}`] : [];
        for (const [k, v, loose, bare] of pairs)
          parts.push(bare && v === '' ? encoded(k, loose) : `${encoded(k, loose)}=${encoded(v, loose)}`);
        return parts.join('&');
      });
    const token = fc.oneof(
      { weight: 6, arbitrary: fc.constant(() => tokens.alice) },
      { weight: 1, arbitrary: fc.constant(() => tokens.bob) },
      { weight: 1, arbitrary: fc.constant(() => undefined) },
      { weight: 2, arbitrary: headerValue.map((v) => () => v) },
      // A real token with one character changed.
      {
        weight: 1,
        arbitrary: fc.nat(200).map((i) => () => `${tokens.alice.slice(0, i)}x${tokens.alice.slice(i + 1)}`),
      },
    );
    const extraHeaders = fc.dictionary(
      fc.oneof(
        fc.constantFrom('x-project-id', 'x-request-id', 'accept', 'x-sdk-date', 'authorization'),
        fc.stringMatching(/^x-[a-z]{1,10}$/),
      ),
      headerValue,
      { maxKeys: 3 },
    );
    const statuses: Record<number, number> = {};
    await fc.assert(
      fc.asyncProperty(query, token, extraHeaders, async (queryText, tokenOf, extra) => {
        const t = tokenOf();
        const response = await server.app.inject({
          url: `/v3/${PROJECT_A}/jobs?${queryText}`,
          headers: { ...extra, ...(t === undefined ? {} : { 'x-auth-token': t }) },
        });
        statuses[response.statusCode] = (statuses[response.statusCode] ?? 0) + 1;
        const body = expectDocumentedAnswer(response, [200, 400, 401, 403, 414]);
        if (response.statusCode === 200) {
          expect(Object.keys(body)).toEqual(['jobs', 'offset', 'limit', 'total']);
          expect(body.offset).toBeGreaterThanOrEqual(0);
          expect(body.limit).toBeGreaterThanOrEqual(1);
          expect(body.limit).toBeLessThanOrEqual(128);
          expect(body.jobs.length).toBeLessThanOrEqual(body.limit);
          expect(body.total).toBeLessThanOrEqual(30);
        }
      }),
      { numRuns: 3000 },
    );
    // The generators reach every kind of answer, not just the first check.
    for (const status of [200, 400, 401, 403]) expect(statuses[status] ?? 0).toBeGreaterThan(50);
  });

  it('accepts every query within the rules and refuses every query outside them (500 cases)', async () => {
    const inRange = (n: number, min: number, max: number) => n >= min && n <= max;
    await fc.assert(
      fc.asyncProperty(
        fc.option(fc.integer({ min: -5, max: 300 }), { nil: undefined }),
        fc.option(fc.integer({ min: -5, max: 300 }), { nil: undefined }),
        fc.integer({ min: oldestStart(now) - 1_000, max: now + DAY }),
        fc.integer({ min: -DAY, max: 40 * DAY }),
        async (offset, limit, start, span) => {
          const end = start + span;
          const parts = [`start_time=${start}`, `end_time=${end}`];
          if (offset !== undefined) parts.push(`offset=${offset}`);
          if (limit !== undefined) parts.push(`limit=${limit}`);
          const response = await server.app.inject({
            url: `/v3/${PROJECT_A}/jobs?${parts.join('&')}`,
            headers: { 'x-auth-token': tokens.alice },
          });
          const ok =
            (offset === undefined || offset >= 0) &&
            (limit === undefined || inRange(limit, 1, 128)) &&
            start >= oldestStart(now) &&
            end >= start;
          expect(response.statusCode).toBe(ok ? 200 : 400);
          if (ok) expect(response.json()).toMatchObject({ offset: offset ?? 0, limit: limit ?? 10 });
        },
      ),
      { numRuns: 500 },
    );
  });

  it('answers random project and task ids in the path with a documented status, never a 5xx', async () => {
    const segment = fc.oneof(
      fc.constantFrom(PROJECT_A, PROJECT_B, PROJECT_A.toUpperCase(), ''),
      anyText(40).map(percentEncode),
      fc.integer({ min: 60, max: 400 }).map((n) => 'a'.repeat(n)),
    );
    await fc.assert(
      fc.asyncProperty(segment, fc.option(segment, { nil: undefined }), async (project, job) => {
        const url =
          job === undefined
            ? `/v3/${project}/jobs?start_time=${now - DAY}&end_time=${now}`
            : `/v3/${project}/jobs/${job}`;
        const response = await server.app.inject({ url, headers: { 'x-auth-token': tokens.alice } });
        expectDocumentedAnswer(response, [200, 401, 403, 404]);
        if (response.statusCode === 200) expect(project).toBe(PROJECT_A);
      }),
      { numRuns: 300 },
    );
  });
});
