import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DAY, HOUR, internal, listAs, migrationRecord } from '../support/api.js';
import { PROJECT_A, startTestServer, type TestServer } from '../support/harness.js';

/**
 * `POST /internal/v1/jobs/batch`: producers' creations and reports, many at once, each item
 * applied or refused on its own, the accepted ones committed together with their feed entries.
 */

let server: TestServer;
let now: number;
beforeEach(async () => {
  server = await startTestServer();
  now = server.clock.now();
});
afterEach(() => server.close());

const task = (fields: Record<string, unknown> = {}) => ({
  id: randomUUID(),
  ...migrationRecord(now),
  ...fields,
});
const batch = (body: unknown) => internal(server, 'POST', '/internal/v1/jobs/batch', body);
const stored = async (id: string) => (await internal(server, 'GET', `/internal/v1/jobs/${id}`)).json().job;
const listedTotal = async () =>
  (await listAs(server, 'alice', PROJECT_A, { start_time: now - 29 * DAY, end_time: now + DAY })).json()
    .total as number;

describe('POST /internal/v1/jobs/batch', () => {
  it('records and reports in one request, one result per item in order, with their feed entries', async () => {
    const [a, b] = [task(), task({ name: 'CreateInstance', database_name: '' })];
    const first = await batch({ create: [a, b] });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({
      created: [
        { status: 201, id: a.id, version: 1 },
        { status: 201, id: b.id, version: 1 },
      ],
      updated: [],
    });
    const before = await server.store.lastEventCursor();
    const second = await batch({
      update: [
        { id: a.id, progress: 40 },
        { id: b.id, status: 'Completed' },
      ],
    });
    expect(second.json()).toEqual({
      created: [],
      updated: [
        { status: 200, id: a.id, version: 2 },
        { status: 200, id: b.id, version: 2 },
      ],
    });
    expect(await stored(a.id)).toMatchObject({ progress: 40, version: 2, status: 'Running' });
    expect(await stored(b.id)).toMatchObject({ status: 'Completed', ended_at: now, version: 2 });
    const events = await server.store.eventsAfter(before, 10);
    expect(events.map((e) => [e.type, e.job?.id, e.job?.version])).toEqual([
      ['changed', a.id, 2],
      ['changed', b.id, 2],
    ]);
    expect(await listedTotal()).toBe(2);
    // The history of the task that finished tells both statuses.
    expect((await server.store.jobHistory(PROJECT_A, b.id)).map((h) => h.status)).toEqual([
      'Running',
      'Completed',
    ]);
  });

  it('answers each refused item with its own error and applies the others', async () => {
    const running = task();
    await batch({ create: [running] });
    const before = await server.store.lastEventCursor();
    const response = await batch({
      create: [task({ name: '1bad' }), task(), task({ created_at: now + HOUR })],
      update: [
        { id: randomUUID(), progress: 5 },
        { id: running.id, status: 'CancelSuccess' },
        { id: running.id, progress: 10, if_version: 7 },
        { id: running.id, progress: 20 },
        { id: running.id },
        { id: 'not-a-uuid', progress: 1 },
      ],
    });
    expect(response.statusCode).toBe(200);
    const { created, updated } = response.json();
    expect(created.map((r: { status: number; error_code?: string }) => [r.status, r.error_code])).toEqual([
      [400, 'DBS.280001'],
      [201, undefined],
      [400, 'DBS.280001'],
    ]);
    expect(created[0].error_msg).toBe(
      'Parameter error. name must be 1 to 64 letters, digits, ".", "_" or "-", starting with a letter.',
    );
    expect(updated).toEqual([
      { status: 404, error_code: 'DBS.300400', error_msg: 'The task is not found.' },
      {
        status: 409,
        error_code: 'DDMJOBS.0409',
        error_msg:
          'The status transition is not allowed. A migrateLogicDb task cannot move from Running to CancelSuccess.',
      },
      {
        status: 409,
        error_code: 'DDMJOBS.0410',
        error_msg: 'The task has changed since the given version. The task is at version 1.',
      },
      { status: 200, id: running.id, version: 2 },
      {
        status: 400,
        error_code: 'DBS.280001',
        error_msg:
          'Parameter error. The body must give at least one of status, progress, fail_reason and the shard-configuration details.',
      },
      { status: 400, error_code: 'DBS.280001', error_msg: 'Parameter error. id must be a UUID.' },
    ]);
    // Only the accepted items wrote: one creation and one report.
    const events = await server.store.eventsAfter(before, 10);
    expect(events.map((e) => e.type)).toEqual(['created', 'changed']);
    expect(await stored(running.id)).toMatchObject({ progress: 20, version: 2 });
  });

  it('records an id again with the same request as a replay (200), with other content as 409', async () => {
    const a = task();
    expect((await batch({ create: [a] })).json().created).toEqual([{ status: 201, id: a.id, version: 1 }]);
    await batch({ update: [{ id: a.id, progress: 30 }] });
    const again = await batch({ create: [a, { ...a, instance_name: 'another' }] });
    expect(again.json().created).toEqual([
      { status: 200, id: a.id, version: 2 },
      {
        status: 409,
        error_code: 'DDMJOBS.0411',
        error_msg: 'A task with this id exists with other content.',
      },
    ]);
    // The same as the single route: a replay there answers the same task.
    const single = await internal(server, 'POST', '/internal/v1/jobs', a);
    expect(single.statusCode).toBe(200);
    expect(single.json().job.version).toBe(2);
  });

  it('applies the items in order: a task created and reported in one batch, if_version on each step', async () => {
    const a = task();
    const response = await batch({
      create: [a, a],
      update: [
        { id: a.id, progress: 10, if_version: 1 },
        { id: a.id, progress: 20, if_version: 1 },
        { id: a.id, status: 'ToBeSwitched', if_version: 2 },
      ],
    });
    expect(response.json()).toEqual({
      created: [
        { status: 201, id: a.id, version: 1 },
        { status: 200, id: a.id, version: 1 },
      ],
      updated: [
        { status: 200, id: a.id, version: 2 },
        {
          status: 409,
          error_code: 'DDMJOBS.0410',
          error_msg: 'The task has changed since the given version. The task is at version 2.',
        },
        { status: 200, id: a.id, version: 3 },
      ],
    });
    expect(await stored(a.id)).toMatchObject({ status: 'ToBeSwitched', progress: 0, version: 3 });
    const events = await server.store.eventsAfter(0, 10);
    expect(events.map((e) => [e.type, e.job?.version, e.job?.progress])).toEqual([
      ['created', 1, 0],
      ['changed', 2, 10],
      ['changed', 3, 0],
    ]);
    expect((await server.store.jobHistory(PROJECT_A, a.id)).map((h) => h.status)).toEqual([
      'Running',
      'ToBeSwitched',
    ]);
    expect(await listedTotal()).toBe(1);
  });

  it('refuses a body that is not a batch with 400 as a whole, writing nothing', async () => {
    const before = await server.store.lastEventCursor();
    const cases: [unknown, string][] = [
      [[task()], 'The body must be a JSON object.'],
      [{ create: [task()], delete: [] }, 'delete is not a known field.'],
      [{ create: task() }, 'create must be an array.'],
      [{ update: 'x' }, 'update must be an array.'],
      [
        {
          create: Array.from({ length: 600 }, () => task()),
          update: Array.from({ length: 401 }, () => ({})),
        },
        'create and update must hold at most 1000 items together.',
      ],
    ];
    for (const [body, detail] of cases) {
      const response = await batch(body);
      expect([response.statusCode, response.json()]).toEqual([
        400,
        { error_code: 'DBS.280001', error_msg: `Parameter error. ${detail}` },
      ]);
    }
    expect(await server.store.lastEventCursor()).toBe(before);
    expect(await listedTotal()).toBe(0);
  });

  it('takes 1,000 items, answers an empty batch with empty lists, and refuses a body past 1 MiB (413)', async () => {
    const thousand = Array.from({ length: 1000 }, () => task());
    const full = await batch({ create: thousand });
    expect(full.statusCode).toBe(200);
    expect(full.json().created.every((r: { status: number }) => r.status === 201)).toBe(true);
    expect(await listedTotal()).toBe(1000);
    expect((await batch({})).json()).toEqual({ created: [], updated: [] });
    const huge = await batch({
      create: [task({ fail_reason: 'x'.repeat(1000) })],
      padding: 'x'.repeat(1 << 20),
    });
    expect(huge.statusCode).toBe(413);
  });

  it('is the internal API: a tenant gets 403, no credentials 401', async () => {
    const body = { create: [task()] };
    const tenant = await server.app.inject({
      method: 'POST',
      url: '/internal/v1/jobs/batch',
      headers: { 'x-auth-token': await server.tokenFor('alice') },
      payload: body,
    });
    expect(tenant.statusCode).toBe(403);
    const anonymous = await server.app.inject({
      method: 'POST',
      url: '/internal/v1/jobs/batch',
      payload: body,
    });
    expect(anonymous.statusCode).toBe(401);
    expect(await listedTotal()).toBe(0);
  });
});
