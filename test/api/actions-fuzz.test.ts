import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Answer } from '../support/api.js';
import { anyJsonText, anyText, objectText, percentEncode, trickyKey } from '../support/fuzz.js';
import { PROJECT_A, startTestServer, type TestServer } from '../support/harness.js';
import { recordMigration, stored } from './actions-support.js';

/**
 * Generated paths and bodies on the tenant actions: never a 5xx, every 400 one of the documented
 * codes, and a refused request changes nothing.
 */
let server: TestServer;
let alice: string;
beforeAll(async () => {
  server = await startTestServer();
  alice = await server.tokenFor('alice');
});
afterAll(() => server.close());

const ACTIONS = ['cancel', 'retry', 'rollback', 'clean', 'route-switch', 'route-switch-strategy'] as const;
const DOCUMENTED_400 = ['DBS.280001', 'DBS.300377', 'DBS.300379'];

function expectDocumented(response: Answer, allowed: number[]) {
  expect(allowed, response.body).toContain(response.statusCode);
  if (response.statusCode === 400) {
    const body = JSON.parse(response.body);
    expect(Object.keys(body)).toEqual(['error_code', 'error_msg']);
    expect(DOCUMENTED_400).toContain(body.error_code);
  }
}

const put = (url: string, payload: string | undefined, contentType = 'application/json') =>
  server.app.inject({
    method: 'PUT',
    url,
    headers: { 'x-auth-token': alice, ...(payload === undefined ? {} : { 'content-type': contentType }) },
    ...(payload === undefined ? {} : { payload }),
  });

describe('generated input on the tenant actions', () => {
  it('answers any path segments with 400, 404 or success, never a 5xx', async () => {
    const job = await recordMigration(server, { status: 'Running' });
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ACTIONS),
        fc.oneof(fc.constant('inst0001'), anyText()),
        fc.oneof(fc.constant('db_e487'), anyText()),
        fc.oneof(fc.constant(job.id), anyText(40)),
        async (action, instance, database, id) => {
          const url =
            `/v3/${PROJECT_A}/instances/${percentEncode(instance)}/databases/${percentEncode(database)}` +
            `/migration/jobs/${percentEncode(id)}/${action}`;
          const response = await put(url, action === 'route-switch-strategy' ? '{}' : undefined);
          // 404 APIGW.0101 when an empty segment leaves no route to match. A task id of `.` or `..`
          // is a dot segment, which URL parsing removes: `jobs/./cancel` is `jobs/cancel`, the
          // migration details' GET route, so a PUT there is 405 DDMJOBS.0405 with its Allow header.
          if (response.statusCode === 405) {
            expect(
              ['.', '..', '%2E', '%2e'].some((dot) => url.includes(`/${dot}/`)),
              url,
            ).toBe(true);
            expect(JSON.parse(response.body).error_code).toBe('DDMJOBS.0405');
            return;
          }
          expectDocumented(response, [200, 202, 400, 404]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('answers any strategy body with 200 or a documented 400; a refusal changes nothing', async () => {
    const job = await recordMigration(server, { status: 'ToBeSwitched' });
    const url = `/v3/${PROJECT_A}/instances/inst0001/databases/db_e487/migration/jobs/${job.id}/route-switch-strategy`;
    const field = fc.constantFrom(
      'switch_route_begin_time',
      'switch_route_end_time',
      'project_id',
      'instance_id',
      'task_id',
      'logic_db_name',
      'is_open_api',
    );
    const timeText = fc.oneof(
      fc.constantFrom(
        '',
        '02:00:00',
        '04:00:00',
        '17:00:00',
        '24:00:00',
        '2026-11-29T02:00:00+0000',
        PROJECT_A,
      ),
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString().slice(11, 19)),
      anyText(30),
    );
    const value = fc.oneof(
      timeText.map((text) => JSON.stringify(text)),
      anyJsonText,
    );
    const body = fc.oneof(
      {
        weight: 6,
        arbitrary: fc.array(fc.tuple(fc.oneof(field, trickyKey), value), { maxLength: 3 }).map(objectText),
      },
      { weight: 1, arbitrary: anyJsonText },
      { weight: 1, arbitrary: anyText(40) },
    );
    await fc.assert(
      fc.asyncProperty(body, async (payload) => {
        const before = (await stored(server, job.id)).version as number;
        const response = await put(url, payload);
        expectDocumented(response, [200, 400, 413]);
        const after = (await stored(server, job.id)).version as number;
        expect(after).toBe(response.statusCode === 200 ? before + 1 : before);
      }),
      { numRuns: 300 },
    );
  });

  it('answers any body of a bodiless action with success or DBS.280001, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('cancel', 'route-switch'),
        fc.oneof(anyJsonText, anyText(40)),
        async (action, payload) => {
          const job = await recordMigration(server, { status: 'ToBeSwitched' });
          const url = `/v3/${PROJECT_A}/instances/inst0001/databases/db_e487/migration/jobs/${job.id}/${action}`;
          const response = await put(url, payload);
          expectDocumented(response, [200, 202, 400, 413]);
          if (response.statusCode === 400) expect((await stored(server, job.id)).version).toBe(1);
        },
      ),
      { numRuns: 150 },
    );
  });
});
