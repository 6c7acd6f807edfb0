import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALICE_KEY, startSignedServer, WORKER_KEY } from '../aksk/fixture.js';
import { anyJsonText, anyText, deeplyNested, objectText, percentEncode, trickyKey } from '../support/fuzz.js';
import { PROJECT_A, PROJECT_B, type TestServer } from '../support/harness.js';
import {
  type AppRoute,
  appRoutes,
  type RawAnswer,
  sendOverSocket,
  storeFingerprint,
  undocumented,
} from '../support/route-fuzz.js';
import { sdkSign } from '../support/sdk-signer.js';

/**
 * Generated requests on every route the app serves (read from the app itself): methods, paths
 * with good and broken ids, query strings, headers, tokens (valid, expired, garbage), AK/SK
 * signatures (valid, tampered, stale, unknown keys) and bodies (wrong types, deep nesting, huge
 * strings, `__proto__` and `constructor` keys, invalid UTF-8). Never a 5xx, every refusal a
 * documented error, and a refused request writes nothing. FUZZ_RUNS sets the number of cases
 * (`npm run fuzz`: 100,000); a few thousand by default.
 */

const RUNS = Number(process.env.FUZZ_RUNS ?? 2000);
/** A seed replays a run; FUZZ_TRACE names a file that always holds the case under way (a crash's culprit). */
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
const TRACE = process.env.FUZZ_TRACE;
const INSTANCE = 'inst0001';
const DATABASE = 'db_e487';
const TOKEN_TTL_MS = 24 * 3_600_000;

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/** Keys the routes read, and keys that are more than they seem. */
const queryKey = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom(
      'start_time',
      'end_time',
      'limit',
      'offset',
      'status',
      'name',
      'instance_id',
      'after',
      'wait',
      'job_id',
      'project_id',
    ),
  },
  { weight: 1, arbitrary: trickyKey },
  { weight: 1, arbitrary: anyText(12) },
);
/** A query value; `wait` only from values that never hold the request (0 or refused). */
const queryValue = fc.oneof(
  { weight: 3, arbitrary: anyText(24) },
  { weight: 3, arbitrary: fc.integer({ min: -10, max: 2_000 }).map(String) },
  {
    weight: 2,
    arbitrary: fc
      .constantFrom(0, 1, 2, 29, 30, 31, 40)
      .map((days) => String(Date.UTC(2026, 10, 28, 12) - days * 86_400_000)),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom('1e3', '-0', '0x10', '9007199254740993', 'Running', 'Failed,Running'),
  },
  { weight: 1, arbitrary: fc.constantFrom('', '%', 'a=b', '&&', '\u0000') },
);
/** Now and then a value long enough for the URL limit (8 KiB). */
const longValue = fc.integer({ min: 1_000, max: 9_000 }).map((n) => 'q'.repeat(n));
const queryPairs = fc
  .array(
    fc.tuple(queryKey, fc.oneof({ weight: 40, arbitrary: queryValue }, { weight: 1, arbitrary: longValue })),
    {
      maxLength: 5,
    },
  )
  .map((pairs) =>
    pairs.map(([key, value]): [string, string] =>
      key === 'wait' && !/^(0|-\d+|[^0-9]*)$/.test(value) ? [key, '0'] : [key, value],
    ),
  );

/** Raw bytes that are not UTF-8, inside an otherwise plausible JSON object. */
const invalidUtf8 = fc
  .tuple(
    fc.constantFrom('name', 'status', 'project_id', 'fail_reason', 'auth'),
    fc.uint8Array({ minLength: 1, maxLength: 12 }).map((bytes) => Buffer.from(bytes.map((b) => b | 0x80))),
  )
  .map(([key, bytes]) =>
    Buffer.concat([Buffer.from(`{"${key}":"`), bytes, Buffer.from('","instance_id":"inst0001"}')]),
  );

/** A body: JSON of any kind, tricky objects, near-valid bodies of the routes, or bytes that are not text. */
const body = (templates: string[]) =>
  fc.oneof(
    { weight: 3, arbitrary: anyJsonText },
    { weight: 4, arbitrary: fc.constantFrom(...templates) },
    {
      weight: 3,
      arbitrary: fc
        .tuple(
          fc.constantFrom(...templates),
          fc.array(fc.tuple(fc.oneof(trickyKey, anyText(8)), anyJsonText), { maxLength: 3 }),
        )
        .map(([template, extra]) =>
          extra.length === 0
            ? template
            : `${template.slice(0, -1)}${template.length > 2 ? ',' : ''}${objectText(extra).slice(1)}`,
        ),
    },
    {
      weight: 2,
      arbitrary: fc
        .array(fc.tuple(trickyKey, fc.oneof(anyJsonText, fc.constant('{"x":1}'))), {
          minLength: 1,
          maxLength: 4,
        })
        .map(objectText),
    },
    { weight: 1, arbitrary: deeplyNested },
    { weight: 1, arbitrary: anyText(80) },
    { weight: 1, arbitrary: invalidUtf8 },
    {
      weight: 1,
      arbitrary: fc.integer({ min: 60_000, max: 70_000 }).map((n) => `{"name":"${'n'.repeat(n)}"}`),
    },
  );

const contentType = fc.oneof(
  { weight: 8, arbitrary: fc.constant('application/json') },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      undefined,
      'application/json; charset=utf-8',
      'application/json; charset=latin1',
      'text/plain',
      'application/x-www-form-urlencoded',
      'application/yaml',
      'multipart/form-data; boundary=x',
      'application/json;;;',
    ),
  },
);

/** The printable header values a client can send, from empty to large. */
const printable = (maxLength: number) =>
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength });

describe('generated requests on every route', () => {
  let server: TestServer;
  let base: string;
  let routes: AppRoute[];
  const tokens: Record<'alice' | 'bob' | 'worker' | 'expired', string> = {
    alice: '',
    bob: '',
    worker: '',
    expired: '',
  };
  const jobs: { a: string[]; b: string[] } = { a: [], b: [] };

  /** Tasks of both projects, migrations on the instance and database the action paths name. */
  const seed = async () => {
    jobs.a = [];
    jobs.b = [];
    const now = server.clock.now();
    for (let i = 0; i < 6; i++) {
      const name = ['migrateLogicDb', 'CreateInstance', 'EnlargeNode'][i % 3] as string;
      const job = await server.record({
        id: randomUUID(),
        name,
        instance_id: INSTANCE,
        database_name: DATABASE,
        status: ['Running', 'Failed', 'Completed'][i % 3],
        created_at: now - i * 60_000,
      });
      jobs.a.push(String(job.id));
      const other = await server.record({ project_id: PROJECT_B, name, created_at: now - i * 60_000 });
      jobs.b.push(String(other.id));
    }
  };
  /** The clock when the tokens were issued: a clock moved by an hour gets fresh ones (sign-in is slow). */
  let signedInAt = 0;
  const signIn = async () => {
    signedInAt = server.clock.now();
    tokens.alice = await server.tokenFor('alice');
    tokens.bob = await server.tokenFor('bob');
    tokens.worker = await server.tokenFor('worker');
  };

  beforeAll(async () => {
    server = await startSignedServer({ emulator: true, limits: { maxStreamsPerUser: 1000 } });
    // A token signed a day and a second ago is expired now.
    tokens.expired = await server.tokenFor('alice');
    server.clock.advance(TOKEN_TTL_MS + 1_000);
    await signIn();
    await seed();
    routes = appRoutes(server.app);
    await server.app.listen({ host: '127.0.0.1', port: 0 });
    const address = server.app.server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    base = `http://127.0.0.1:${address.port}`;
  });
  afterAll(() => server?.close());

  it('reads every route from the app, the stream, internal, emulator, console and service routes included', () => {
    const urls = routes.map((route) => route.url);
    for (const url of [
      '/',
      '/v3',
      '/v3/auth/tokens',
      '/v3/:project_id/jobs',
      '/v3/:project_id/jobs/stream',
      '/v3/:project_id/jobs/:job_id',
      '/v3/:project_id/jobs/:job_id/history',
      '/v3/:project_id/instances/:instance_id/databases/:db_name/migration/jobs/:job_id/route-switch-strategy',
      '/internal/v1/jobs',
      '/internal/v1/jobs/:job_id',
      '/internal/v1/events',
      '/internal/v1/clock',
      '/internal/v1/reset',
      '/internal/v1/scenarios',
      '/healthz',
      '/metrics',
      '/openapi.json',
      '/console/*',
    ])
      expect(urls).toContain(url);
    expect(routes.length).toBeGreaterThanOrEqual(24);
  });

  it(
    `answers ${RUNS} generated requests with documented answers only, writing nothing when refusing`,
    async () => {
      const param = (name: string) => {
        const junk = fc.oneof(
          anyText(30).map(percentEncode),
          fc.constantFrom('%', '%ZZ', '%00', '..', '%2e%2e', '%2F', 'null', 'undefined', '0', '-1', ' '),
          fc.integer({ min: 101, max: 400 }).map((n) => 'x'.repeat(n)),
        );
        const good: Record<string, fc.Arbitrary<string>> = {
          project_id: fc.constantFrom(
            PROJECT_A,
            PROJECT_A,
            PROJECT_B,
            PROJECT_A.toUpperCase(),
            'f'.repeat(32),
          ),
          job_id: fc.oneof(
            fc.constantFrom(...jobs.a),
            fc.constantFrom(...jobs.b),
            fc.constantFrom(...jobs.a).map((id) => id.toUpperCase()),
            fc.uuid(),
          ),
          instance_id: fc.constantFrom(INSTANCE, 'inst0002', 'a'.repeat(65)),
          db_name: fc.constantFrom(DATABASE, 'other_db', 'DB_E487'),
          '*': fc.constantFrom('', 'index.html', 'assets/', '../package.json', 'a/../../b', '.env', 'x%00y'),
        };
        return fc.oneof({ weight: 5, arbitrary: good[name] ?? junk }, { weight: 1, arbitrary: junk });
      };
      /** A path of a route with its parameters filled, or now and then a path no route has. */
      const path = fc.oneof(
        {
          weight: 12,
          // The reset re-applies the identities (password hashes, a second): rarer than the others.
          arbitrary: fc
            .oneof(
              {
                weight: 20,
                arbitrary: fc.constantFrom(...routes.filter((r) => r.url !== '/internal/v1/reset')),
              },
              { weight: 1, arbitrary: fc.constantFrom(...routes) },
            )
            .chain((route) => {
              const names = route.url.split('/').filter((s) => s.startsWith(':') || s === '*');
              return fc
                .tuple(
                  fc.constant(route),
                  fc.tuple(...names.map((n) => param(n.replace(/^:/, '')))),
                  fc.oneof({ weight: 12, arbitrary: fc.constant('') }, fc.constantFrom('/', '//', '/extra')),
                )
                .map(([r, values, tail]) => {
                  let i = 0;
                  const filled = r.url
                    .split('/')
                    .map((s) => (s.startsWith(':') || s === '*' ? (values[i++] as string) : s))
                    .join('/');
                  return { route: r, path: tail === '' ? filled : `${filled.replace(/\/$/, '')}${tail}` };
                });
            }),
        },
        {
          weight: 1,
          arbitrary: fc
            .array(anyText(16).map(percentEncode), { minLength: 1, maxLength: 5 })
            .map((segments) => ({ route: undefined, path: `/${segments.join('/')}` })),
        },
      );
      type Auth =
        | { kind: 'none' }
        | { kind: 'token'; who: keyof typeof tokens }
        | { kind: 'garbage'; header: 'x-auth-token' | 'authorization'; value: string }
        | {
            kind: 'signed';
            key: 'alice' | 'worker' | 'unknown';
            tamper: 'none' | 'signature' | 'stale' | 'body';
          };
      const auth: fc.Arbitrary<Auth> = fc.oneof(
        { weight: 2, arbitrary: fc.constant({ kind: 'none' as const }) },
        {
          weight: 6,
          arbitrary: fc
            .constantFrom('alice', 'bob', 'worker', 'worker', 'expired')
            .map((who) => ({ kind: 'token' as const, who: who as keyof typeof tokens })),
        },
        {
          weight: 2,
          arbitrary: fc.record({
            kind: fc.constant('garbage' as const),
            header: fc.constantFrom('x-auth-token' as const, 'authorization' as const),
            value: fc.oneof(
              printable(80),
              fc.constantFrom(
                'SDK-HMAC-SHA256 Access=ALICEAK0000000000001, SignedHeaders=host, Signature=00',
                'SDK-HMAC-SHA256',
                'Bearer x',
                'SDK-HMAC-SHA256 Access=, SignedHeaders=, Signature=',
              ),
              fc.integer({ min: 1_000, max: 12_000 }).map((n) => 'T'.repeat(n)),
            ),
          }),
        },
        {
          weight: 3,
          arbitrary: fc.record({
            kind: fc.constant('signed' as const),
            key: fc.constantFrom('alice' as const, 'worker' as const, 'unknown' as const),
            tamper: fc.constantFrom(
              'none' as const,
              'none' as const,
              'signature' as const,
              'stale' as const,
              'body' as const,
            ),
          }),
        },
      );
      const extraHeaders = fc.record(
        {
          'x-project-id': fc.constantFrom(PROJECT_A, PROJECT_B, 'nope', ''),
          accept: fc.constantFrom('text/event-stream', 'application/json', '*/*', 'text/html'),
          'last-event-id': fc.oneof(fc.constantFrom('0', '1', '-1', '99999999999', 'x', ''), printable(20)),
          'content-encoding': fc.constantFrom('identity', 'identity', 'identity', 'identity', 'gzip', 'br'),
          'if-none-match': printable(20),
          'x-forwarded-for': fc.constantFrom('10.0.0.1', 'garbage', ''),
        },
        { requiredKeys: [] },
      );
      /** Bodies each route accepts, for the generators to start from: most are mutated, a few sent as they are. */
      const signInBody = {
        auth: { identity: { methods: ['password'], password: { user: { name: 'mallory', password: 'x' } } } },
      };
      const templates: Record<string, string[]> = {
        '/internal/v1/jobs': [
          JSON.stringify({
            project_id: PROJECT_A,
            name: 'CreateInstance',
            instance_id: INSTANCE,
            instance_name: 'f',
          }),
          JSON.stringify({
            project_id: PROJECT_B,
            name: 'migrateLogicDb',
            instance_id: INSTANCE,
            instance_name: 'g',
          }),
        ],
        '/internal/v1/jobs/:job_id': [
          JSON.stringify({ status: 'Running', progress: 10 }),
          JSON.stringify({ progress: 50 }),
        ],
        '/internal/v1/clock': [JSON.stringify({ advance_ms: 1_000 }), '{}'],
        '/v3/auth/tokens': [JSON.stringify(signInBody)],
        '/v3/auth/tokens/': [JSON.stringify(signInBody)],
      };
      const caseArbitrary = path.chain((target) =>
        fc.record({
          target: fc.constant(target),
          // Mostly one of the route's methods, now and then any.
          method: fc.oneof(
            { weight: 5, arbitrary: fc.constantFrom(...(target.route?.methods ?? ['GET'])) },
            { weight: 1, arbitrary: fc.constantFrom(...METHODS) },
          ),
          query: queryPairs,
          loose: fc.boolean(),
          auth,
          headers: fc.oneof(
            { weight: 2, arbitrary: fc.constant({}) },
            { weight: 1, arbitrary: extraHeaders },
          ),
          contentType,
          body: fc.option(body(templates[target.route?.url ?? ''] ?? ['{}']), { nil: undefined, freq: 3 }),
        }),
      );

      const tally = { cases: 0, statuses: {} as Record<number, number>, socket: 0 };
      const perRoute: Record<string, { ms: number; statuses: Record<number, number> }> = {};
      const started = performance.now();
      await fc.assert(
        fc.asyncProperty(caseArbitrary, async (c) => {
          const method = c.method;
          const hasBody = c.body !== undefined && method !== 'GET' && method !== 'HEAD';
          const bytes = hasBody ? Buffer.from(c.body as string | Buffer) : undefined;
          let url: string;
          let headers: Record<string, string> = { ...c.headers };
          if (c.contentType !== undefined && bytes) headers['content-type'] = c.contentType;
          if (c.auth.kind === 'signed') {
            // A signature covers the decoded path, the query pairs and the body's text.
            const key =
              c.auth.key === 'alice'
                ? ALICE_KEY
                : c.auth.key === 'worker'
                  ? WORKER_KEY
                  : { ak: 'NOSUCHAK000000000001', sk: 'x'.repeat(40) };
            let plainPath: string;
            try {
              plainPath = decodeURIComponent(c.target.path);
            } catch {
              plainPath = c.target.path;
            }
            const text = bytes?.toString('utf8');
            const signedAt = c.auth.tamper === 'stale' ? server.clock.now() - 3_600_000 : server.clock.now();
            const signed = sdkSign(
              {
                method,
                path: plainPath,
                query: c.query,
                headers: { ...headers, 'X-Project-Id': headers['x-project-id'] ?? PROJECT_A },
                ...(text === undefined ? {} : { body: text }),
              },
              key,
              signedAt,
            );
            url = signed.url;
            headers = { ...headers, ...signed.headers };
            delete headers['x-project-id'];
            if (c.auth.tamper === 'signature')
              headers.Authorization = (headers.Authorization as string).replace(/.$/, (ch) =>
                ch === '0' ? '1' : '0',
              );
            if (c.auth.tamper === 'body' && bytes) bytes[0] = (bytes[0] as number) ^ 1;
          } else {
            const encode = c.loose ? (t: string) => t.replace(/[#\s&=?]/g, percentEncode) : percentEncode;
            const query = c.query.map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&');
            url = query ? `${c.target.path}?${query}` : c.target.path;
            if (c.auth.kind === 'token') headers['x-auth-token'] = tokens[c.auth.who];
            if (c.auth.kind === 'garbage') headers[c.auth.header] = c.auth.value;
          }

          // The stream routes would answer 200 and stream forever: those go over a real socket.
          const streams =
            /\/jobs\/stream\/?$/.test(c.target.path) ||
            (c.target.path.startsWith('/internal/v1/events') && headers.accept === 'text/event-stream');
          if (TRACE)
            writeFileSync(
              TRACE,
              JSON.stringify({ method, url, headers, body: bytes?.toString('base64'), socket: streams }),
            );
          const sentAt = performance.now();
          const before = await storeFingerprint(server.store, server.clock.now());
          let answer: RawAnswer;
          if (streams) {
            tally.socket++;
            answer = await sendOverSocket(base, { method, url, headers, ...(bytes ? { body: bytes } : {}) });
          } else {
            const response = await server.app.inject({
              method: method as 'GET',
              url,
              headers,
              ...(bytes ? { payload: bytes } : {}),
            });
            answer = { status: response.statusCode, headers: response.headers, body: response.body };
          }
          tally.cases++;
          const routeKey = `${method} ${c.target.route?.url ?? '(none)'}`;
          const entry = perRoute[routeKey] ?? { ms: 0, statuses: {} };
          perRoute[routeKey] = entry;
          entry.ms += performance.now() - sentAt;
          entry.statuses[answer.status] = (entry.statuses[answer.status] ?? 0) + 1;
          tally.statuses[answer.status] = (tally.statuses[answer.status] ?? 0) + 1;
          const contentTypeOf = answer.headers['content-type'];
          const problem = undocumented(
            {
              status: answer.status,
              body: answer.body,
              contentType: contentTypeOf === undefined ? undefined : String(contentTypeOf),
            },
            method,
            c.target.path,
          );
          expect(problem, `${method} ${url.slice(0, 300)}`).toBeUndefined();
          if (answer.status >= 400 || method === 'GET' || method === 'HEAD')
            expect(
              await storeFingerprint(server.store, server.clock.now()),
              `${method} ${url.slice(0, 300)} wrote`,
            ).toBe(before);
          // What an accepted request changed is the fixture's to restore: the reset empties the
          // tasks, a clock move can age the tokens.
          if (answer.status < 400 && c.target.path.startsWith('/internal/v1/reset')) await seed();
          if (server.clock.now() - signedInAt > 3_600_000) await signIn();
        }),
        { numRuns: RUNS, ...(SEED === undefined ? {} : { seed: SEED }) },
      );
      const seconds = (performance.now() - started) / 1000;
      console.log(
        `fuzz-routes: ${tally.cases} cases (${tally.socket} over sockets) on ${routes.length} routes in ${seconds.toFixed(1)} s; ` +
          `statuses ${JSON.stringify(tally.statuses)}`,
      );
      if (process.env.FUZZ_VERBOSE)
        for (const [key, entry] of Object.entries(perRoute).sort((x, y) => y[1].ms - x[1].ms))
          console.log(`${key}: ${entry.ms.toFixed(0)} ms ${JSON.stringify(entry.statuses)}`);
      // The generators reach past the checks: accepted requests, and refusals of every kind.
      for (const status of [200, 400, 401, 403, 404]) expect(tally.statuses[status] ?? 0).toBeGreaterThan(0);
    },
    RUNS * 40 + 120_000,
  );
});
