import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALICE_KEY, startSignedServer, WORKER_KEY } from '../aksk/fixture.js';
import { DAY, internal, MINUTE, PARAMETER_ERROR, TASK_NOT_FOUND } from '../support/api.js';
import { PROJECT_A, PROJECT_B, type TestServer } from '../support/harness.js';
import { type HttpAnswer, sendOverHttp } from '../support/real-http.js';
import { sdkSign } from '../support/sdk-signer.js';
import { act, DATABASE, INSTANCE } from './actions-support.js';

/**
 * Run logs: producers append lines (`POST /internal/v1/jobs/{job_id}/logs`), tenants read them
 * (`GET /v3/{project_id}/instance/{instance_id}/task/{task_id}/run-logs`, ShowMigrationLog),
 * newest first, paged as the cloud's SDK pages them.
 */

let server: TestServer;
beforeAll(async () => {
  server = await startSignedServer({ emulator: true });
});
afterAll(() => server.close());

const logsUrl = (id: string, query = '', instance = INSTANCE, projectId = PROJECT_A) =>
  `/v3/${projectId}/instance/${instance}/task/${id}/run-logs${query}`;

const read = async (id: string, query = '', user = 'alice', instance = INSTANCE, projectId = PROJECT_A) =>
  sendOverHttp(server, {
    method: 'GET',
    url: logsUrl(id, query, instance, projectId),
    headers: { 'x-auth-token': await server.tokenFor(user) },
  });

const append = (id: string, body: unknown) => internal(server, 'POST', `/internal/v1/jobs/${id}/logs`, body);

const ok = (response: HttpAnswer, status = 200) => {
  expect(response.statusCode, response.body).toBe(status);
  return response;
};

/** A migration task on the fixture's instance and database. */
const recordMigration = async (fields: Record<string, unknown> = {}) =>
  (await server.record({
    id: randomUUID(),
    name: 'migrateLogicDb',
    instance_id: INSTANCE,
    database_name: DATABASE,
    created_at: server.clock.now() - 10 * MINUTE,
    ...fields,
  })) as { id: string; created_at: number };

describe('reading a run log', () => {
  it('answers the lines newest first, each field of the documented type, with the paging fields', async () => {
    const job = await recordMigration();
    const first = server.clock.now();
    ok(
      await append(job.id, {
        logs: [
          { level: 'INFO', message: 'pre-check passed' },
          { level: 'WARNING', message: 'binlog retention is 3 days' },
        ],
      }),
      201,
    );
    server.clock.advance(MINUTE);
    const second = server.clock.now();
    const appended = ok(
      await append(job.id, { logs: [{ level: 'ERROR', message: 'shard 3 unreachable' }] }),
      201,
    );
    expect(appended.json()).toEqual({ appended: 1 });

    const response = ok(await read(job.id));
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    // Exactly these keys, in this order, these types.
    expect(response.body).toBe(
      JSON.stringify({
        task_logs: [
          {
            task_id: job.id,
            ddm_instance_id: INSTANCE,
            level: 'ERROR',
            created_time: second,
            message: 'shard 3 unreachable',
          },
          {
            task_id: job.id,
            ddm_instance_id: INSTANCE,
            level: 'WARNING',
            created_time: first,
            message: 'binlog retention is 3 days',
          },
          {
            task_id: job.id,
            ddm_instance_id: INSTANCE,
            level: 'INFO',
            created_time: first,
            message: 'pre-check passed',
          },
        ],
        cur_page: 1,
        per_page: 10,
        total: 3,
      }),
    );
  });

  it('pages with offset and limit: cur_page is offset / limit + 1, per_page the limit, total all lines', async () => {
    const job = await recordMigration();
    const logs = Array.from({ length: 25 }, (_, i) => ({ level: 'INFO', message: `line ${i}` }));
    ok(await append(job.id, { logs }), 201);
    const page = async (query: string) => ok(await read(job.id, query)).json();

    const second = await page('?offset=10&limit=10');
    expect(second.task_logs.map((l: { message: string }) => l.message)).toEqual(
      Array.from({ length: 10 }, (_, i) => `line ${14 - i}`),
    );
    expect([second.cur_page, second.per_page, second.total]).toEqual([2, 10, 25]);
    const last = await page('?offset=20&limit=10');
    expect(last.task_logs.map((l: { message: string }) => l.message)).toEqual([
      'line 4',
      'line 3',
      'line 2',
      'line 1',
      'line 0',
    ]);
    expect((await page('?offset=5&limit=3')).cur_page).toBe(2);
    expect(await page('?offset=100&limit=128')).toEqual({
      task_logs: [],
      cur_page: 1,
      per_page: 128,
      total: 25,
    });
    expect((await page('?limit=1')).task_logs).toHaveLength(1);
  });

  it('answers a task without lines with an empty page', async () => {
    const job = await recordMigration();
    expect(ok(await read(job.id)).json()).toEqual({ task_logs: [], cur_page: 1, per_page: 10, total: 0 });
  });

  it('finds the task by its id in upper case', async () => {
    const job = await recordMigration();
    ok(await append(job.id.toUpperCase(), { logs: [{ level: 'INFO', message: 'x' }] }), 201);
    expect(ok(await read(job.id.toUpperCase())).json().total).toBe(1);
  });

  it('answers an access-key signature as a token', async () => {
    const job = await recordMigration();
    ok(await append(job.id, { logs: [{ level: 'INFO', message: 'signed' }] }), 201);
    const { url, headers } = sdkSign(
      {
        method: 'GET',
        path: logsUrl(job.id),
        query: [
          ['limit', '5'],
          ['offset', '0'],
        ],
        headers: { 'X-Project-Id': PROJECT_A },
      },
      ALICE_KEY,
      server.clock.now(),
    );
    const signed = ok(await server.app.inject({ url, headers }));
    expect(signed.body).toBe(ok(await read(job.id, '?limit=5&offset=0')).body);
  });

  it.each([
    ['offset=-1', 'offset must be an integer from 0.'],
    ['offset=1.5', 'offset must be an integer from 0.'],
    ['offset=', 'offset must be an integer from 0.'],
    ['limit=0', 'limit must be an integer from 1 to 128.'],
    ['limit=129', 'limit must be an integer from 1 to 128.'],
    ['limit=1e2', 'limit must be an integer from 1 to 128.'],
    ['limit=5&limit=6', 'limit must be an integer from 1 to 128.'],
  ])('refuses %s with 400 DBS.280001 naming the parameter', async (query, detail) => {
    const job = await recordMigration();
    const response = await read(job.id, `?${query}`);
    expect(response.statusCode).toBe(400);
    expect(response.body).toBe(PARAMETER_ERROR(detail));
  });
});

describe('tasks whose run log is not found', () => {
  it("answers another project's task, another instance's and an unknown one with 404 DBS.300400", async () => {
    const job = await recordMigration();
    ok(await append(job.id, { logs: [{ level: 'INFO', message: 'secret of A' }] }), 201);
    for (const response of [
      await read(job.id, '', 'bob', INSTANCE, PROJECT_B),
      await read(job.id, '', 'alice', 'another0instance'),
      await read(randomUUID()),
      await read('not-a-uuid'),
    ]) {
      expect(response.statusCode).toBe(404);
      expect(response.body).toBe(TASK_NOT_FOUND);
    }
  });

  it('checks credentials first: none is 401, a token of another project 403', async () => {
    const job = await recordMigration();
    const anonymous = await server.app.inject({ url: logsUrl(job.id, '?limit=0') });
    expect([anonymous.statusCode, anonymous.json().error_code]).toEqual([401, 'APIGW.0301']);
    const elsewhere = await read(job.id, '', 'alice', INSTANCE, PROJECT_B);
    expect([elsewhere.statusCode, elsewhere.json().error_code]).toEqual([403, 'APIGW.0302']);
  });

  it('forgets the lines of a cleaned task, also when its id is recorded again', async () => {
    const job = await recordMigration({ status: 'CancelSuccess', ended_at: server.clock.now() - MINUTE });
    ok(await append(job.id, { logs: [{ level: 'INFO', message: 'cancelled' }] }), 201);
    ok(await act(server, job, 'clean'), 202);
    expect((await read(job.id)).body).toBe(TASK_NOT_FOUND);
    expect((await append(job.id, { logs: [{ level: 'INFO', message: 'late' }] })).body).toBe(TASK_NOT_FOUND);
    await recordMigration({ id: job.id });
    expect(ok(await read(job.id)).json().total).toBe(0);
  });

  it('forgets the lines of a task purged by retention', async () => {
    const job = await recordMigration({ status: 'Completed', created_at: server.clock.now() - 36 * DAY });
    ok(await append(job.id, { logs: [{ level: 'INFO', message: 'old' }] }), 201);
    expect(ok(await read(job.id)).json().total).toBe(1);
    ok(await internal(server, 'POST', '/internal/v1/clock', { advance_ms: 2 * DAY }));
    expect((await read(job.id)).body).toBe(TASK_NOT_FOUND);
    expect(await server.store.runLogs(job.id, 0, 10)).toEqual({ total: 0, lines: [] });
  });
});

describe('appending lines', () => {
  it('refuses a bad body with 400 DBS.280001 naming the line, and appends nothing', async () => {
    const job = await recordMigration();
    const line = { level: 'INFO', message: 'x' };
    const cases: [unknown, string][] = [
      [[], 'The body must be a JSON object {"logs": [{"level", "message"}, ...]}.'],
      [{}, 'logs is required.'],
      [{ logs: [] }, 'logs must be an array of 1 to 1000 lines.'],
      [{ logs: Array.from({ length: 1001 }, () => line) }, 'logs must be an array of 1 to 1000 lines.'],
      [{ logs: [line], extra: 1 }, 'extra is not a known field.'],
      [{ logs: [line, 'text'] }, 'logs[1] must be an object {"level", "message"}.'],
      [{ logs: [{ level: 'DEBUG', message: 'x' }] }, 'logs[0].level must be one of INFO, WARNING, ERROR.'],
      [{ logs: [{ level: 'info', message: 'x' }] }, 'logs[0].level must be one of INFO, WARNING, ERROR.'],
      [
        { logs: [{ level: 'INFO', message: '' }] },
        'logs[0].message must be a string of 1 to 1024 characters without control characters.',
      ],
      [
        { logs: [{ level: 'INFO', message: 'a'.repeat(1025) }] },
        'logs[0].message must be a string of 1 to 1024 characters without control characters.',
      ],
      [
        { logs: [{ level: 'INFO', message: 'a\nb' }] },
        'logs[0].message must be a string of 1 to 1024 characters without control characters.',
      ],
      [
        { logs: [{ level: 'INFO', message: 7 }] },
        'logs[0].message must be a string of 1 to 1024 characters without control characters.',
      ],
      [{ logs: [{ level: 'INFO', message: 'x', at: 1 }] }, 'logs[0].at is not a known field.'],
    ];
    for (const [body, detail] of cases) {
      const response = await append(job.id, body);
      expect(response.statusCode, detail).toBe(400);
      expect(response.body).toBe(PARAMETER_ERROR(detail));
    }
    expect(ok(await read(job.id)).json().total).toBe(0);
  });

  it('takes 1,000 lines of 1,024 characters in one request, as one feed entry', async () => {
    const job = await recordMigration();
    const before = await server.store.lastEventCursor();
    const logs = Array.from({ length: 1000 }, (_, i) => ({
      level: 'INFO',
      message: `${i}`.padEnd(1024, '.'),
    }));
    expect(ok(await append(job.id, { logs }), 201).json()).toEqual({ appended: 1000 });
    expect(ok(await read(job.id, '?limit=1')).json().total).toBe(1000);
    const events = await server.store.eventsAfter(before, 10);
    expect(events.map((e) => [e.type, e.job?.id, e.logs?.length])).toEqual([['log', job.id, 1000]]);
  });

  it('answers an unknown task with 404 DBS.300400', async () => {
    const response = await append(randomUUID(), { logs: [{ level: 'INFO', message: 'x' }] });
    expect([response.statusCode, response.body]).toEqual([404, TASK_NOT_FOUND]);
  });

  it('is for the role service only: a tenant gets 403 APIGW.0302 and nothing is appended', async () => {
    const job = await recordMigration();
    const response = await server.app.inject({
      method: 'POST',
      url: `/internal/v1/jobs/${job.id}/logs`,
      headers: { 'x-auth-token': await server.tokenFor('alice') },
      payload: { logs: [{ level: 'INFO', message: 'x' }] },
    });
    expect([response.statusCode, response.json().error_code]).toEqual([403, 'APIGW.0302']);
    expect(ok(await read(job.id)).json().total).toBe(0);
  });

  it('takes a signed request of a worker', async () => {
    const job = await recordMigration();
    const body = JSON.stringify({ logs: [{ level: 'WARNING', message: 'signed line' }] });
    const { url, headers } = sdkSign(
      {
        method: 'POST',
        path: `/internal/v1/jobs/${job.id}/logs`,
        headers: { 'Content-Type': 'application/json' },
        body,
      },
      WORKER_KEY,
      server.clock.now(),
    );
    ok(await server.app.inject({ method: 'POST', url, headers, payload: body }), 201);
    expect(ok(await read(job.id)).json().task_logs[0].message).toBe('signed line');
  });

  it('tells the feed one log entry with the task and the lines, without changing the task', async () => {
    const job = await recordMigration();
    const version = (await server.store.getJob(job.id))?.version;
    const before = await server.store.lastEventCursor();
    ok(
      await append(job.id, {
        logs: [
          { level: 'INFO', message: 'a' },
          { level: 'ERROR', message: 'b' },
        ],
      }),
      201,
    );
    const feed = ok(await internal(server, 'GET', `/internal/v1/events?after=${before}`)).json();
    expect(feed.events).toHaveLength(1);
    const [entry] = feed.events;
    expect(entry.type).toBe('log');
    expect(entry.job.id).toBe(job.id);
    expect(entry.job.version).toBe(version);
    expect(entry.logs).toEqual([
      {
        task_id: job.id,
        ddm_instance_id: INSTANCE,
        level: 'INFO',
        created_time: server.clock.now(),
        message: 'a',
      },
      {
        task_id: job.id,
        ddm_instance_id: INSTANCE,
        level: 'ERROR',
        created_time: server.clock.now(),
        message: 'b',
      },
    ]);
    expect((await server.store.getJob(job.id))?.version).toBe(version);
  });

  it('forgets every line on the emulator reset', async () => {
    const job = await recordMigration();
    ok(await append(job.id, { logs: [{ level: 'INFO', message: 'x' }] }), 201);
    ok(await internal(server, 'POST', '/internal/v1/reset'));
    expect(await server.store.runLogs(job.id, 0, 10)).toEqual({ total: 0, lines: [] });
  });
});

describe('the OpenAPI document', () => {
  it('describes the tenant read as ShowMigrationLog and the producers route as our extension', async () => {
    const document = (await server.app.inject({ url: '/openapi.json' })).json();
    const read = document.paths['/v3/{project_id}/instance/{instance_id}/task/{task_id}/run-logs'].get;
    expect(read.operationId).toBe('ShowMigrationLog');
    expect(Object.keys(read.responses)).toEqual(expect.arrayContaining(['200', '400', '401', '403', '404']));
    expect(Object.keys(read.responses['200'].content['application/json'].schema.properties)).toEqual([
      'task_logs',
      'cur_page',
      'per_page',
      'total',
    ]);
    const write = document.paths['/internal/v1/jobs/{job_id}/logs'].post;
    expect(write.operationId).toBe('AppendRunLogs');
    expect(write['x-ddm-jobs-extension']).toBe(true);
  });
});
