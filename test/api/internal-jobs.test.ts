import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DAY,
  ddmErrorText,
  ddmTime,
  gatewayBodyFor,
  HOUR,
  internal,
  listAs,
  MINUTE,
  migrationRecord,
  PARAMETER_ERROR,
  TASK_NOT_FOUND,
} from '../support/api.js';
import { PROJECT_A, startTestServer, type TestServer } from '../support/harness.js';

/** The internal producer API: recording tasks and reporting their progress (role service). */

// "An EnlargeNode task", "A migrateLogicDb task": the article as a person writes it.
const transitionRefused = (name: string, from: string, to: string) =>
  ddmErrorText(
    'DDMJOBS.0409',
    `The status transition is not allowed. ${name === 'EnlargeNode' ? 'An' : 'A'} ${name} task cannot move from ${from} to ${to}.`,
  );

describe('the internal producer API', () => {
  let server: TestServer;
  let now: number;

  /** A body that records, to spoil one field at a time. */
  const valid = () => migrationRecord(now);
  const post = (body: unknown) => internal(server, 'POST', '/internal/v1/jobs', body);
  const patch = (id: string, body: unknown) => internal(server, 'PATCH', `/internal/v1/jobs/${id}`, body);
  const get = (id: string) => internal(server, 'GET', `/internal/v1/jobs/${id}`);
  /** Every task of project A the tenant can list (all are recorded within the last day). */
  const listedTotal = async () =>
    (await listAs(server, 'alice', PROJECT_A, { start_time: now - 29 * DAY, end_time: now + DAY })).json()
      .total as number;
  const recordRunning = async (name: string) => {
    const response = await post({ ...valid(), name });
    expect(response.statusCode).toBe(201);
    return response.json().job as { id: string; version: number };
  };

  beforeAll(async () => {
    server = await startTestServer();
    now = server.clock.now();
  });
  afterAll(() => server.close());

  describe('POST /internal/v1/jobs', () => {
    it('answers 201 with the recorded task, its id and version 1', async () => {
      const id = randomUUID();
      const response = await post({ ...valid(), id, progress: 5 });
      expect(response.statusCode).toBe(201);
      expect(response.body).toBe(
        JSON.stringify({
          job: {
            id,
            project_id: PROJECT_A,
            name: 'migrateLogicDb',
            status: 'Running',
            progress: 5,
            fail_reason: '',
            instance_id: '733c7e8d73a54c27b8308ec784a8be8cin09',
            instance_name: 'UTS-ddm-dtc-src',
            database_name: 'db_e487',
            created_at: now - HOUR,
            ended_at: null,
            switch_route_begin_time: null,
            switch_route_end_time: null,
            retried_by: null,
            version: 1,
            updated_at: now,
          },
        }),
      );
    });

    it('records a daily switch window as HH:mm:ss, also one the tenant could not set (over midnight, 30 minutes)', async () => {
      for (const [begin, end] of [
        ['02:00:00', '04:00:00'],
        ['23:30:00', '00:30:00'],
        ['10:00:00', '10:30:00'],
      ]) {
        const response = await post({
          ...valid(),
          switch_route_begin_time: begin,
          switch_route_end_time: end,
        });
        expect(response.statusCode).toBe(201);
        expect(response.json().job).toMatchObject({
          switch_route_begin_time: begin,
          switch_route_end_time: end,
        });
        expect((await get(response.json().job.id)).json().job).toMatchObject({
          switch_route_begin_time: begin,
          switch_route_end_time: end,
        });
      }
    });

    it('gives a task recorded without id a UUID of its own, and without created_at the current time', async () => {
      const { created_at: _omitted, ...body } = valid();
      const response = await post(body);
      expect(response.statusCode).toBe(201);
      const job = response.json().job;
      expect(job.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(job.created_at).toBe(now);
    });

    it('answers the same id with the same content with 200 and the existing task, written once', async () => {
      const id = randomUUID();
      const first = await post({ ...valid(), id });
      const total = await listedTotal();
      const again = await post({ id, ...valid() }); // key order does not matter
      expect([first.statusCode, again.statusCode]).toEqual([201, 200]);
      expect(again.body).toBe(first.body);
      expect(await listedTotal()).toBe(total);
    });

    it('answers the same id in upper case with the same content as a replay, with 200', async () => {
      const id = randomUUID();
      const first = await post({ ...valid(), id });
      const again = await post({ ...valid(), id: id.toUpperCase() });
      expect([first.statusCode, again.statusCode]).toEqual([201, 200]);
    });

    it('answers the same id with other content with 409 DDMJOBS.0411', async () => {
      const id = randomUUID();
      await post({ ...valid(), id });
      const response = await post({ ...valid(), id, database_name: 'db_other' });
      expect(response.statusCode).toBe(409);
      expect(response.body).toBe(
        '{"error_code":"DDMJOBS.0411","error_msg":"A task with this id exists with other content."}',
      );
      expect((await get(id)).json().job.database_name).toBe('db_e487');
    });

    it('records a finished task with the end time it was given', async () => {
      const response = await post({ ...valid(), status: 'Completed', ended_at: now - MINUTE });
      expect(response.json().job).toMatchObject({ status: 'Completed', ended_at: now - MINUTE });
    });

    it('records a finished task without end time as ending when it was created', async () => {
      const response = await post({ ...valid(), status: 'Completed' });
      expect(response.json().job).toMatchObject({ status: 'Completed', ended_at: now - HOUR });
    });

    const spoiled: [what: string, body: () => unknown, detail: string][] = [
      [
        'a field of the wrong type',
        () => ({ ...valid(), progress: '60' }),
        'progress must be an integer from 0 to 100.',
      ],
      ['an unknown field', () => ({ ...valid(), colour: 'red' }), 'colour is not a known field.'],
      [
        'a missing field',
        () => {
          const { name: _missing, ...rest } = valid();
          return rest;
        },
        'name is required.',
      ],
      ['progress 101', () => ({ ...valid(), progress: 101 }), 'progress must be an integer from 0 to 100.'],
      ['progress -1', () => ({ ...valid(), progress: -1 }), 'progress must be an integer from 0 to 100.'],
      ['progress 50.5', () => ({ ...valid(), progress: 50.5 }), 'progress must be an integer from 0 to 100.'],
      ['an id that is not a UUID', () => ({ ...valid(), id: 'job-1' }), 'id must be a UUID.'],
      [
        'an unknown status',
        () => ({ ...valid(), status: 'Paused' }),
        'status must be one of the documented task statuses.',
      ],
      [
        'a project id with a slash',
        () => ({ ...valid(), project_id: 'a/b' }),
        'project_id must be 1 to 64 letters, digits, "_" or "-".',
      ],
      [
        'an empty instance name',
        () => ({ ...valid(), instance_name: '' }),
        'instance_name must be a string of 1 to 128 characters without control characters.',
      ],
      [
        'a name with a control character',
        () => ({ ...valid(), name: 'migrate\nLogicDb' }),
        'name must be 1 to 64 letters, digits, ".", "_" or "-", starting with a letter.',
      ],
      [
        'a switch window on a task that is not a migration',
        () => ({
          ...valid(),
          name: 'CreateInstance',
          switch_route_begin_time: '02:00:00',
          switch_route_end_time: '04:00:00',
        }),
        'switch_route_begin_time is for migration tasks only.',
      ],
      [
        'a switch window without its begin',
        () => ({ ...valid(), switch_route_end_time: '04:00:00' }),
        'switch_route_begin_time is required with switch_route_end_time.',
      ],
      [
        'a switch time in epoch milliseconds (the earlier format)',
        () => ({ ...valid(), switch_route_begin_time: now + HOUR, switch_route_end_time: '04:00:00' }),
        'switch_route_begin_time must be a daily time HH:mm:ss, given with switch_route_end_time, for migration tasks only.',
      ],
      [
        'a switch time past 23:59:59',
        () => ({ ...valid(), switch_route_begin_time: '02:00:00', switch_route_end_time: '24:00:00' }),
        'switch_route_end_time must be a daily time HH:mm:ss, given with switch_route_begin_time, for migration tasks only.',
      ],
      [
        'ended_at with a status that is not finished',
        () => ({ ...valid(), status: 'Running', ended_at: now - MINUTE }),
        'ended_at is given only with a finished status.',
      ],
      [
        'ended_at before created_at',
        () => ({ ...valid(), status: 'Completed', ended_at: now - 2 * HOUR }),
        'ended_at must lie between created_at and now.',
      ],
      [
        'ended_at in the future',
        () => ({ ...valid(), status: 'Completed', ended_at: now + 1 }),
        'ended_at must lie between created_at and now.',
      ],
      [
        'created_at in the future',
        () => ({ ...valid(), created_at: now + 1 }),
        'created_at must be epoch milliseconds, not in the future.',
      ],
      [
        'a status the task never reaches',
        () => ({ ...valid(), name: 'CreateInstance', status: 'ToBeSwitched' }),
        'status must be a status a CreateInstance task can be in.',
      ],
      ['a JSON array', () => '[]', 'The body must be a JSON object.'],
      ['invalid JSON', () => '{"name":', 'The body is not valid JSON.'],
      [
        'a __proto__ key',
        () => `{"__proto__":{"admin":true},"project_id":"${PROJECT_A}"}`,
        'The body is not valid JSON.',
      ],
    ];

    it.each(spoiled)(
      'answers %s with 400 DBS.280001 naming it, and writes nothing',
      async (_what, body, detail) => {
        const total = await listedTotal();
        const response = await post(body());
        expect(response.statusCode).toBe(400);
        expect(response.body).toBe(PARAMETER_ERROR(detail));
        expect(await listedTotal()).toBe(total);
      },
    );
  });

  describe('PATCH /internal/v1/jobs/{job_id}', () => {
    const moveAll = async (id: string, statuses: string[]) => {
      const seen = [];
      for (const status of statuses) {
        const response = await patch(id, { status });
        expect(response.statusCode).toBe(200);
        const job = response.json().job;
        seen.push([job.status, job.version]);
      }
      return seen;
    };

    it('moves a migration Running → ToBeSwitched → Switching → Completed', async () => {
      const job = await recordRunning('migrateLogicDb');
      expect(await moveAll(job.id, ['ToBeSwitched', 'Switching', 'Completed'])).toEqual([
        ['ToBeSwitched', 2],
        ['Switching', 3],
        ['Completed', 4],
      ]);
    });

    it('refuses any further report on a finished task with 409 DDMJOBS.0409', async () => {
      const job = await recordRunning('CreateInstance');
      await moveAll(job.id, ['Completed']);
      const response = await patch(job.id, { progress: 50 });
      expect(response.statusCode).toBe(409);
      expect(response.body).toBe(
        '{"error_code":"DDMJOBS.0409","error_msg":"The status transition is not allowed. A CreateInstance task in Completed takes no more reports."}',
      );
    });

    it('moves a CreateInstance task Running → Completed', async () => {
      const job = await recordRunning('CreateInstance');
      expect(await moveAll(job.id, ['Completed'])).toEqual([['Completed', 2]]);
    });

    it('moves an EnlargeNode task Running → Expanding → Completed', async () => {
      const job = await recordRunning('EnlargeNode');
      expect(await moveAll(job.id, ['Expanding', 'Completed'])).toEqual([
        ['Expanding', 2],
        ['Completed', 3],
      ]);
    });

    it('moves a migration Running → Failed with its reason, which the tenant then sees', async () => {
      const job = await recordRunning('migrateLogicDb');
      const response = await patch(job.id, { status: 'Failed', fail_reason: 'source unreachable' });
      expect(response.json().job).toMatchObject({ status: 'Failed', fail_reason: 'source unreachable' });
      const listed = (
        await listAs(server, 'alice', PROJECT_A, { start_time: now - DAY, end_time: now, limit: 128 })
      )
        .json()
        .jobs.find((item: { id: string }) => item.id === job.id);
      expect(listed).toMatchObject({
        fail_reason: 'source unreachable',
        operations: ['toBeCanceled', 'toBeRetried', 'toBeRolled'],
      });
    });

    it.each([
      ['migrateLogicDb', ['ToBeSwitched', 'Switching', 'Completed'], 'Running'],
      ['migrateLogicDb', [], 'Canceling'],
      ['migrateLogicDb', [], 'Rollbacking'],
      ['migrateLogicDb', [], 'Completed'],
      ['migrateLogicDb', ['ToBeSwitched'], 'Completed'],
      ['migrateLogicDb', ['Failed'], 'Running'],
      ['CreateInstance', [], 'Expanding'],
      ['CreateInstance', [], 'ToBeSwitched'],
      ['CreateInstance', ['Failed'], 'Completed'],
      ['EnlargeNode', ['Expanding'], 'Running'],
    ])('refuses to move a %s task, after %j, to %s with 409 DDMJOBS.0409', async (name, path, to) => {
      const job = await recordRunning(name);
      await moveAll(job.id, path);
      const from = path.at(-1) ?? 'Running';
      const before = (await get(job.id)).body;
      const response = await patch(job.id, { status: to });
      expect(response.statusCode).toBe(409);
      expect(response.body).toBe(transitionRefused(name, from, to));
      expect((await get(job.id)).body).toBe(before);
    });

    it('reports progress in the same status, which the tenant sees as process', async () => {
      const job = await recordRunning('CreateInstance');
      const response = await patch(job.id, { progress: 60 });
      expect(response.json().job).toMatchObject({ status: 'Running', progress: 60, version: 2 });
      const shown = await server.app.inject({
        url: `/v3/${PROJECT_A}/jobs/${job.id}`,
        headers: { 'x-auth-token': await server.tokenFor('alice') },
      });
      expect(shown.json().job.process).toBe('60%');
    });

    it('refuses a stale if_version with 409 DDMJOBS.0410 and accepts the current one', async () => {
      const job = await recordRunning('CreateInstance');
      await patch(job.id, { progress: 10 });
      const stale = await patch(job.id, { progress: 20, if_version: 1 });
      expect(stale.statusCode).toBe(409);
      expect(stale.body).toBe(
        ddmErrorText(
          'DDMJOBS.0410',
          'The task has changed since the given version. The task is at version 2.',
        ),
      );
      const current = await patch(job.id, { progress: 20, if_version: 2 });
      expect(current.json().job).toMatchObject({ progress: 20, version: 3 });
    });

    it('takes the end time of a finished task from the server clock', async () => {
      const job = await recordRunning('CreateInstance');
      server.clock.advance(5 * MINUTE + 1_234);
      try {
        const finishedAt = server.clock.now();
        const response = await patch(job.id, { status: 'Completed' });
        expect(response.json().job).toMatchObject({ ended_at: finishedAt, updated_at: finishedAt });
        const shown = await server.app.inject({
          url: `/v3/${PROJECT_A}/jobs/${job.id}`,
          headers: { 'x-auth-token': await server.tokenFor('alice') },
        });
        expect(shown.json().job).toMatchObject({ end_time: ddmTime(finishedAt), process: '' });
      } finally {
        server.clock.advance(-(5 * MINUTE + 1_234));
      }
    });

    it('answers a body that changes nothing with 400 DBS.280001', async () => {
      const job = await recordRunning('CreateInstance');
      const response = await patch(job.id, { if_version: 1 });
      expect(response.statusCode).toBe(400);
      expect(response.body).toBe(
        PARAMETER_ERROR(
          'The body must give at least one of status, progress, fail_reason and the shard-configuration details.',
        ),
      );
    });

    it.each([
      [{ progress: 101 }, 'progress must be an integer from 0 to 100.'],
      [{ status: 'Done' }, 'status must be one of the documented task statuses.'],
      [{ progress: 1, ended_at: 5 }, 'ended_at is not a known field.'],
      [{ if_version: 0, progress: 1 }, 'if_version must be a positive integer.'],
    ])('answers %j with 400 DBS.280001 naming the field, and changes nothing', async (body, detail) => {
      const job = await recordRunning('CreateInstance');
      const response = await patch(job.id, body);
      expect(response.statusCode).toBe(400);
      expect(response.body).toBe(PARAMETER_ERROR(detail));
      expect((await get(job.id)).json().job.version).toBe(1);
    });

    it('answers an unknown task with 404 DBS.300400', async () => {
      const response = await patch(randomUUID(), { progress: 1 });
      expect(response.statusCode).toBe(404);
      expect(response.body).toBe(TASK_NOT_FOUND);
    });
  });

  describe('GET /internal/v1/jobs/{job_id}', () => {
    it('answers the task as recorded, also by its id in upper case', async () => {
      const id = randomUUID();
      const recorded = await post({ ...valid(), id });
      const read = await get(id.toUpperCase());
      expect(read.statusCode).toBe(200);
      expect(read.body).toBe(recorded.body);
    });

    it('answers an unknown task with 404 DBS.300400', async () => {
      const response = await get(randomUUID());
      expect(response.statusCode).toBe(404);
      expect(response.body).toBe(TASK_NOT_FOUND);
    });
  });

  describe('who may call it', () => {
    it('refuses a tenant token without the role service with 403 APIGW.0302, writing nothing', async () => {
      const total = await listedTotal();
      const response = await server.app.inject({
        method: 'POST',
        url: '/internal/v1/jobs',
        headers: { 'x-auth-token': await server.tokenFor('alice') },
        payload: valid(),
      });
      expect(response.statusCode).toBe(403);
      expect(response.body).toBe(gatewayBodyFor(response, 'notAuthorized'));
      expect(await listedTotal()).toBe(total);
    });

    it.each(['GET', 'PATCH'] as const)('refuses %s by a tenant token with 403 APIGW.0302', async (method) => {
      const job = await recordRunning('CreateInstance');
      const response = await server.app.inject({
        method,
        url: `/internal/v1/jobs/${job.id}`,
        headers: { 'x-auth-token': await server.tokenFor('alice') },
        ...(method === 'PATCH' ? { payload: { progress: 99 } } : {}),
      });
      expect(response.statusCode).toBe(403);
      expect(response.body).toBe(gatewayBodyFor(response, 'notAuthorized'));
      expect((await get(job.id)).json().job.progress).toBe(0);
    });

    it('refuses a request without token with 401 APIGW.0301', async () => {
      const response = await server.app.inject({
        method: 'POST',
        url: '/internal/v1/jobs',
        payload: valid(),
      });
      expect(response.statusCode).toBe(401);
      expect(response.body).toBe(gatewayBodyFor(response, 'tokenMissing'));
    });

    it('checks the token before the body: a bad body without token is 401', async () => {
      const response = await server.app.inject({
        method: 'POST',
        url: '/internal/v1/jobs',
        headers: { 'content-type': 'application/json' },
        payload: '{not json',
      });
      expect(response.statusCode).toBe(401);
    });
  });
});
