import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anyJsonText, anyText, headerValue, objectText, trickyKey } from '../support/fuzz.js';
import { startTestServer, type TestServer } from '../support/harness.js';

/**
 * Generated requests on the identity routes: every refusal in Keystone's shape (or the gateway's
 * for a body that is not JSON at all), never a 5xx, and never a token for a made-up user.
 */

describe('generated input on the Keystone routes', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  // User names the fixtures do not hold, so that no generated request signs in (or costs a scrypt).
  const name = anyText(16).filter((text) => !['alice', 'bob', 'worker'].includes(text));
  const json = (value: unknown) => JSON.stringify(value);
  const plausible = fc
    .record({
      methods: fc.oneof(fc.constant(['password']), fc.array(anyText(10), { maxLength: 3 })),
      user: fc.oneof(
        fc.record({ name, domain: fc.record({ name: anyText(10) }), password: anyText(20) }),
        fc.record({ id: anyText(40), password: anyText(20) }),
      ),
      scope: fc.option(
        fc.oneof(
          fc.constant('unscoped'),
          fc.record({ project: fc.record({ id: anyText(40) }) }),
          fc.record({ project: fc.record({ name: anyText(10), domain: fc.record({ id: anyText(10) }) }) }),
        ),
        { nil: undefined },
      ),
    })
    .map(({ methods, user, scope }) =>
      json({
        auth: { identity: { methods, password: { user } }, ...(scope === undefined ? {} : { scope }) },
      }),
    );
  const body = fc.oneof(
    { weight: 4, arbitrary: plausible },
    { weight: 2, arbitrary: anyJsonText },
    {
      weight: 2,
      arbitrary: fc
        .array(fc.tuple(fc.oneof(trickyKey, fc.constant('auth')), anyJsonText), { maxLength: 4 })
        .map((pairs) => objectText(pairs)),
    },
    { weight: 1, arbitrary: anyText(60) },
  );

  it('answers 500 generated sign-ins with 400 or 401 in Keystone shape, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(body, async (payload) => {
        const response = await server.app.inject({
          method: 'POST',
          url: '/v3/auth/tokens',
          headers: { 'content-type': 'application/json' },
          payload,
        });
        expect([400, 401, 413]).toContain(response.statusCode);
        expect(response.headers['x-subject-token']).toBeUndefined();
        const answer = response.json();
        if (response.statusCode === 413) expect(answer.error_code).toBe('APIGW.0201');
        else {
          expect(Object.keys(answer)).toEqual(['error']);
          expect(answer.error).toMatchObject({ code: response.statusCode });
          expect(typeof answer.error.message).toBe('string');
        }
      }),
      { numRuns: 500 },
    );
    // Each refused sign-in pays a real password hash (the decoy for unknown users too): on two
    // busy cores 500 of them can take longer than the suite's default 30 s.
  }, 120_000);

  it('answers 300 generated token validations with 200, 401, 403 or 404 as the tokens deserve, never a 5xx', async () => {
    const caller = await server.tokenFor('alice');
    const token = fc.oneof(fc.constant(caller), headerValue, fc.constant(undefined));
    await fc.assert(
      fc.asyncProperty(token, token, async (auth, subject) => {
        const response = await server.app.inject({
          url: '/v3/auth/tokens',
          headers: {
            ...(auth === undefined ? {} : { 'x-auth-token': auth }),
            ...(subject === undefined ? {} : { 'x-subject-token': subject }),
          },
        });
        // alice holds neither admin nor service: a subject not her own is 403, none at all 404.
        const expected = auth !== caller ? 401 : subject === undefined ? 404 : subject === caller ? 200 : 403;
        expect(response.statusCode).toBe(expected);
        if (expected !== 200) expect(response.json().error.code).toBe(expected);
      }),
      { numRuns: 300 },
    );
  });
});
