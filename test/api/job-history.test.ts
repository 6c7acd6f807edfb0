import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALICE_KEY, startSignedServer } from '../aksk/fixture.js';
import { type Answer, ddmTime, internal, MINUTE, TASK_NOT_FOUND } from '../support/api.js';
import { PROJECT_A, PROJECT_B, type TestServer } from '../support/harness.js';
import { sdkSign } from '../support/sdk-signer.js';
import { act, DATABASE, INSTANCE } from './actions-support.js';

/**
 * `GET /v3/{project_id}/jobs/{job_id}/history`, our extension for the console's detail panel:
 * the statuses a task went through, oldest first, from the change feed.
 */

let server: TestServer;
beforeAll(async () => {
  server = await startSignedServer();
});
afterAll(() => server.close());

const historyUrl = (id: string, projectId = PROJECT_A) => `/v3/${projectId}/jobs/${id}/history`;

const history = async (id: string, user = 'alice', projectId = PROJECT_A) =>
  server.app.inject({
    url: historyUrl(id, projectId),
    headers: { 'x-auth-token': await server.tokenFor(user) },
  });

const show = async (id: string) =>
  server.app.inject({
    url: `/v3/${PROJECT_A}/jobs/${id}`,
    headers: { 'x-auth-token': await server.tokenFor('alice') },
  });

const ok = (response: Answer, status = 200) => {
  expect(response.statusCode, response.body).toBe(status);
  return response;
};

const report = async (id: string, body: Record<string, unknown>) =>
  ok(await internal(server, 'PATCH', `/internal/v1/jobs/${id}`, body));

/** A migration task on the fixture's instance and database, created `ago` ms before now. */
const recordMigration = async (fields: Record<string, unknown>, ago = 10 * MINUTE) =>
  (await server.record({
    id: randomUUID(),
    name: 'migrateLogicDb',
    instance_id: INSTANCE,
    database_name: DATABASE,
    created_at: server.clock.now() - ago,
    ...fields,
  })) as { id: string; created_at: number };

/** The clock moved on a minute; the new now. */
const minuteLater = () => {
  server.clock.advance(MINUTE);
  return server.clock.now();
};

describe('the history of a task', () => {
  it('tells each status once, oldest first, through producer reports and a tenant cancel', async () => {
    const job = await recordMigration({ status: 'Running', progress: 10 });
    minuteLater();
    await report(job.id, { progress: 30 });
    minuteLater();
    await report(job.id, { progress: 60 });
    const switchable = minuteLater();
    await report(job.id, { status: 'ToBeSwitched' });
    const canceled = minuteLater();
    ok(await act(server, job, 'cancel'), 202);
    minuteLater();
    await report(job.id, { progress: 50 });
    const ended = minuteLater();
    await report(job.id, { status: 'CancelSuccess' });
    minuteLater();

    const response = ok(await history(job.id));
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    // The first entry is timed by the creation, a finished status by its end, the others by
    // when the change was written; `process` is the progress on entering the status.
    expect(response.body).toBe(
      JSON.stringify({
        history: [
          { status: 'Running', time: ddmTime(job.created_at), process: '10%' },
          { status: 'ToBeSwitched', time: ddmTime(switchable), process: '' },
          { status: 'Canceling', time: ddmTime(canceled), process: '0%' },
          { status: 'CancelSuccess', time: ddmTime(ended), process: '' },
        ],
      }),
    );
  });

  it('adds nothing for progress reports: a task only reported on has its creation alone', async () => {
    const job = await server.record({ name: 'CreateInstance', progress: 5 });
    for (const progress of [20, 40, 80]) {
      minuteLater();
      await report(String(job.id), { progress });
    }
    expect(ok(await history(String(job.id))).json()).toEqual({
      history: [{ status: 'Running', time: ddmTime(Number(job.created_at)), process: '5%' }],
    });
  });

  it('tells a status entered again after another as a new entry', async () => {
    const job = await recordMigration({ status: 'Running' });
    const failed = minuteLater();
    await report(job.id, { status: 'Failed', fail_reason: 'shard 3 unreachable' });
    const rolling = minuteLater();
    ok(await act(server, job, 'rollback'), 202);
    const failedAgain = minuteLater();
    await report(job.id, { status: 'Failed', fail_reason: 'rollback failed' });
    expect(ok(await history(job.id)).json().history).toEqual([
      { status: 'Running', time: ddmTime(job.created_at), process: '0%' },
      { status: 'Failed', time: ddmTime(failed), process: '' },
      { status: 'Rollbacking', time: ddmTime(rolling), process: '0%' },
      { status: 'Failed', time: ddmTime(failedAgain), process: '' },
    ]);
  });

  it('times a task recorded already finished by its end', async () => {
    const now = server.clock.now();
    const job = await server.record({
      name: 'RestartInstance',
      status: 'Completed',
      created_at: now - 30 * MINUTE,
      ended_at: now - 20 * MINUTE,
    });
    expect(ok(await history(String(job.id))).json()).toEqual({
      history: [{ status: 'Completed', time: ddmTime(now - 20 * MINUTE), process: '' }],
    });
  });

  it('finds the task by its id in upper case, as show does', async () => {
    const job = await server.record({ name: 'CreateInstance' });
    const response = ok(await history(String(job.id).toUpperCase()));
    expect(response.json().history).toHaveLength(1);
  });

  it('starts again when a cleaned task id is recorded again', async () => {
    const job = await recordMigration({ status: 'CancelSuccess', ended_at: server.clock.now() - MINUTE });
    ok(await act(server, job, 'clean'), 202);
    minuteLater();
    const again = await recordMigration({ id: job.id, status: 'Running', progress: 1 }, 0);
    expect(ok(await history(job.id)).json()).toEqual({
      history: [{ status: 'Running', time: ddmTime(again.created_at), process: '1%' }],
    });
  });

  it('answers with an access-key signature as with a token', async () => {
    const job = await server.record({ name: 'CreateInstance' });
    const { url, headers } = sdkSign(
      { method: 'GET', path: historyUrl(String(job.id)), headers: { 'X-Project-Id': PROJECT_A } },
      ALICE_KEY,
      server.clock.now(),
    );
    const signed = ok(await server.app.inject({ url, headers }));
    expect(signed.body).toBe(ok(await history(String(job.id))).body);
  });
});

describe('the OpenAPI document', () => {
  it('describes the history route as our extension', async () => {
    const document = (await server.app.inject({ url: '/openapi.json' })).json();
    const route = document.paths['/v3/{project_id}/jobs/{job_id}/history'].get;
    expect(route.operationId).toBe('ShowTaskHistory');
    expect(route['x-ddm-jobs-extension']).toBe(true);
    expect(Object.keys(route.responses)).toEqual(expect.arrayContaining(['200', '401', '403', '404']));
  });
});

describe('tasks without a history to show', () => {
  it('answers a cleaned task with 404 DBS.300400, as show does', async () => {
    const job = await recordMigration({ status: 'CancelSuccess', ended_at: server.clock.now() - MINUTE });
    ok(await history(job.id));
    ok(await act(server, job, 'clean'), 202);
    for (const response of [await history(job.id), await show(job.id)]) {
      expect(response.statusCode).toBe(404);
      expect(response.body).toBe(TASK_NOT_FOUND);
    }
  });

  it("answers another project's task as one that does not exist", async () => {
    const job = await server.record({ name: 'CreateInstance' });
    const response = await history(String(job.id), 'bob', PROJECT_B);
    expect(response.statusCode).toBe(404);
    expect(response.body).toBe(TASK_NOT_FOUND);
  });

  it.each([
    ['an unknown id', '00000000-0000-4000-8000-000000000000'],
    ['an id that is not a UUID', 'not-a-uuid'],
    ['an id with a NUL character', 'a%00b'],
  ])('answers %s with 404 DBS.300400', async (_what, id) => {
    const response = await history(id);
    expect(response.statusCode).toBe(404);
    expect(response.body).toBe(TASK_NOT_FOUND);
  });

  it('checks credentials before looking for the task', async () => {
    const job = await server.record({ name: 'CreateInstance' });
    const anonymous = await server.app.inject({ url: historyUrl(String(job.id)) });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json().error_code).toBe('APIGW.0301');
    // Alice's token is for project A: project B's path is refused before any lookup.
    const elsewhere = await history(String(job.id), 'alice', PROJECT_B);
    expect(elsewhere.statusCode).toBe(403);
    expect(elsewhere.json().error_code).toBe('APIGW.0302');
  });
});
