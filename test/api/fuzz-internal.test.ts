import { randomUUID } from 'node:crypto';
import { JOB_STATUSES } from '@ddm-jobs/contract';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Answer } from '../support/api.js';
import { anyJsonText, anyText, objectText, percentEncode, trickyKey } from '../support/fuzz.js';
import { PROJECT_A, PROJECT_B, startTestServer, type TestServer } from '../support/harness.js';

/**
 * Generated bodies on the producer API: wrong types, unknown and tricky keys, deep nesting, huge
 * strings. Never a 5xx, every 400 is DBS.280001, and a refused request writes nothing.
 */

function expectDocumentedAnswer(response: Answer, allowed: number[]) {
  expect(allowed).toContain(response.statusCode);
  expect(response.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/);
  const body = JSON.parse(response.body);
  if (response.statusCode === 400) {
    expect(Object.keys(body)).toEqual(['error_code', 'error_msg']);
    expect(body.error_code).toBe('DBS.280001');
    expect(body.error_msg).toMatch(/^Parameter error\. /);
  }
  if (response.statusCode === 409)
    expect(['DDMJOBS.0409', 'DDMJOBS.0410', 'DDMJOBS.0411']).toContain(body.error_code);
  return body;
}

const DAY = 86_400_000;

/** A value one time in five, otherwise undefined. */
const sometimes = <T>(arbitrary: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary });

/** Each pair is a key and the JSON text of its value. */
type Pairs = [string, string][];

/** Changes a body the way a buggy or hostile producer would. */
const mutation = fc.oneof(
  fc.tuple(fc.constant('set' as const), fc.nat(20), anyJsonText),
  fc.tuple(fc.constant('drop' as const), fc.nat(20), fc.constant('')),
  fc.tuple(fc.constant('add' as const), fc.oneof(trickyKey, anyText(12)), anyJsonText),
);
function mutate(pairs: Pairs, mutations: readonly (readonly [string, number | string, string])[]): Pairs {
  const out = [...pairs];
  for (const [kind, where, value] of mutations) {
    if (out.length === 0 && kind !== 'add') continue;
    const at = typeof where === 'number' ? where % Math.max(out.length, 1) : 0;
    if (kind === 'set') out[at] = [(out[at] as [string, string])[0], value];
    else if (kind === 'drop') out.splice(at, 1);
    else out.push([String(where), value]);
  }
  return out;
}

describe('generated bodies on the internal API', () => {
  let server: TestServer;
  let now: number;
  let worker: string;
  let alice: string;
  const knownIds = Array.from({ length: 5 }, () => randomUUID());

  const storedCount = async () =>
    Object.values(await server.store.countJobsByStatus()).reduce((a, b) => a + b, 0);

  beforeAll(async () => {
    server = await startTestServer();
    now = server.clock.now();
    worker = await server.tokenFor('worker');
    alice = await server.tokenFor('alice');
  });
  afterAll(() => server.close());

  const caller = fc.oneof(
    { weight: 12, arbitrary: fc.constant(() => worker) },
    { weight: 1, arbitrary: fc.constant(() => alice) },
    { weight: 1, arbitrary: fc.constant(() => undefined) },
  );

  /** A body that is valid, or nearly so, as pairs of key and JSON text. */
  const createPairs = () =>
    fc
      .record({
        id: fc.oneof(fc.constant(undefined), fc.uuid(), fc.constantFrom(...knownIds)),
        project_id: fc.constantFrom(PROJECT_A, PROJECT_B),
        name: fc.constantFrom('CreateInstance', 'migrateLogicDb', 'EnlargeNode', 'retryMigrateLogicDb'),
        status: fc.option(fc.constantFrom(...JOB_STATUSES), { nil: undefined, freq: 2 }),
        progress: fc.option(
          fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 0, max: 100 }) }, fc.constantFrom(-1, 101)),
          { nil: undefined },
        ),
        created_at: fc.option(
          fc.oneof(
            { weight: 6, arbitrary: fc.integer({ min: now - 10 * DAY, max: now }) },
            fc.constant(now + 1),
          ),
          { nil: undefined },
        ),
        ended_at: sometimes(fc.integer({ min: now - DAY, max: now + 1 })),
      })
      .map((fields): Pairs => {
        const pairs: Pairs = [
          ['project_id', JSON.stringify(fields.project_id)],
          ['name', JSON.stringify(fields.name)],
          ['instance_id', '"inst0001"'],
          ['instance_name', '"ddm-test"'],
        ];
        for (const key of ['id', 'status', 'progress', 'created_at', 'ended_at'] as const) {
          if (fields[key] !== undefined) pairs.push([key, JSON.stringify(fields[key])]);
        }
        return pairs;
      });

  const bodyText = (pairs: fc.Arbitrary<Pairs>) =>
    fc.oneof(
      {
        weight: 6,
        arbitrary: fc
          .tuple(pairs, fc.array(mutation, { maxLength: 3 }))
          .map(([p, m]) => objectText(mutate(p, m))),
      },
      { weight: 2, arbitrary: anyJsonText },
      { weight: 1, arbitrary: anyText(60) },
    );

  it('answers 1000 generated POST /internal/v1/jobs bodies as documented, writing only what it accepts', async () => {
    const statuses: Record<number, number> = {};
    /** Bodies the server accepted, sent again now and then: a replay must be answered 200. */
    const accepted: string[] = [];
    const replay = sometimes(fc.nat());
    await fc.assert(
      fc.asyncProperty(bodyText(createPairs()), caller, replay, async (generated, tokenOf, again) => {
        const token = tokenOf();
        const replayed = again === undefined ? undefined : accepted[again % accepted.length];
        const payload = replayed ?? generated;
        const before = await storedCount();
        const response = await server.app.inject({
          method: 'POST',
          url: '/internal/v1/jobs',
          headers: { 'content-type': 'application/json', ...(token ? { 'x-auth-token': token } : {}) },
          payload,
        });
        statuses[response.statusCode] = (statuses[response.statusCode] ?? 0) + 1;
        expectDocumentedAnswer(response, [200, 201, 400, 401, 403, 409, 413]);
        expect(await storedCount()).toBe(before + (response.statusCode === 201 ? 1 : 0));
        if (response.statusCode === 201 && payload.includes('"id"')) accepted.push(payload);
        if (replayed !== undefined && token === worker) expect(response.statusCode).toBe(200);
      }),
      { numRuns: 1000 },
    );
    for (const status of [200, 201, 400, 409]) expect(statuses[status] ?? 0).toBeGreaterThan(0);
  });

  it('answers 1000 generated PATCH /internal/v1/jobs/{id} bodies as documented, changing only what it accepts', async () => {
    const targets: string[] = [];
    for (let i = 0; i < 20; i++) {
      const name = ['migrateLogicDb', 'CreateInstance', 'EnlargeNode'][i % 3] as string;
      targets.push(String((await server.record({ name, created_at: now - i })).id));
    }
    const patchPairs = fc
      .record({
        status: fc.option(fc.constantFrom(...JOB_STATUSES), { nil: undefined }),
        progress: fc.option(fc.integer({ min: -1, max: 101 }), { nil: undefined }),
        fail_reason: fc.option(anyText(30), { nil: undefined }),
        if_version: fc.option(fc.integer({ min: 0, max: 4 }), { nil: undefined }),
      })
      .map(
        (fields): Pairs =>
          Object.entries(fields)
            .filter(([, v]) => v !== undefined)
            .map(([k, v]) => [k, JSON.stringify(v)]),
      );
    const target = fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom(...targets) },
      { weight: 1, arbitrary: fc.constantFrom(...targets).map((id) => id.toUpperCase()) },
      { weight: 1, arbitrary: anyText(40).map(percentEncode) },
    );
    const statuses: Record<number, number> = {};
    await fc.assert(
      fc.asyncProperty(target, bodyText(patchPairs), caller, async (id, payload, tokenOf) => {
        const token = tokenOf();
        const before = await server.store.getJob(id.toLowerCase());
        const count = await storedCount();
        const response = await server.app.inject({
          method: 'PATCH',
          url: `/internal/v1/jobs/${id}`,
          headers: { 'content-type': 'application/json', ...(token ? { 'x-auth-token': token } : {}) },
          payload,
        });
        statuses[response.statusCode] = (statuses[response.statusCode] ?? 0) + 1;
        const body = expectDocumentedAnswer(response, [200, 400, 401, 403, 404, 409, 413]);
        const after = await server.store.getJob(id.toLowerCase());
        expect(await storedCount()).toBe(count);
        if (response.statusCode === 200) {
          expect(after?.version).toBe((before?.version ?? 0) + 1);
          expect(body.job.version).toBe(after?.version);
        } else {
          expect(after).toEqual(before);
        }
      }),
      { numRuns: 1000 },
    );
    for (const status of [200, 400, 404, 409]) expect(statuses[status] ?? 0).toBeGreaterThan(0);
  });
});
