import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Answer, DAY, ddmTime, internal, TASK_NOT_FOUND } from '../support/api.js';
import { PROJECT_A, startTestServer, type TestServer } from '../support/harness.js';
import { act, listedItem, NOT_ALLOWED, recordMigration, stored } from './actions-support.js';

/**
 * The state is the protocol: a tenant's action moves the task at once, and the producer finishes
 * the work through the internal PATCH; the tenant sees each step.
 */
let server: TestServer;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(() => server.close());

const report = (id: string, body: Record<string, unknown>) =>
  internal(server, 'PATCH', `/internal/v1/jobs/${id}`, body);

const expectOk = (response: Answer, status = 200) => {
  expect(response.statusCode, response.body).toBe(status);
};

async function list(window = { start: server.clock.now() - DAY, end: server.clock.now() }) {
  const response = await server.app.inject({
    url: `/v3/${PROJECT_A}/jobs?start_time=${window.start}&end_time=${window.end}&limit=128`,
    headers: { 'x-auth-token': await server.tokenFor('alice') },
  });
  expectOk(response);
  return response.json() as { total: number; jobs: Record<string, unknown>[] };
}

describe('cancel', () => {
  it('Canceling at once, CancelSuccess when the worker reports it, then clean is offered', async () => {
    const job = await recordMigration(server, { status: 'Running', progress: 70 });
    expectOk(await act(server, job, 'cancel'), 202);
    expect(await listedItem(server, job)).toMatchObject({
      status: 'Canceling',
      process: '0%',
      operations: [],
    });

    expectOk(await report(job.id, { progress: 50 }));
    expect(await listedItem(server, job)).toMatchObject({ status: 'Canceling', process: '50%' });
    server.clock.advance(60_000);
    expectOk(await report(job.id, { status: 'CancelSuccess' }));
    expect(await listedItem(server, job)).toMatchObject({
      status: 'CancelSuccess',
      process: '',
      end_time: ddmTime(server.clock.now()),
      operations: ['toBeCleaned'],
    });
  });

  it('a cancellation that fails shows its fail_reason, and the task may be retried or rolled back', async () => {
    const job = await recordMigration(server, { status: 'ToBeSwitched' });
    expectOk(await act(server, job, 'cancel'), 202);
    expectOk(await report(job.id, { status: 'Failed', fail_reason: 'cannot drop the new shards' }));
    expect(await listedItem(server, job)).toMatchObject({
      status: 'Failed',
      fail_reason: 'cannot drop the new shards',
      operations: ['toBeCanceled', 'toBeRetried', 'toBeRolled'],
    });
  });

  it('a failed task cancelled and failing again without a reason shows no stale reason', async () => {
    const job = await recordMigration(server, { status: 'Failed', fail_reason: 'network partition' });
    expectOk(await act(server, job, 'cancel'), 202);
    expectOk(await report(job.id, { status: 'Failed' }));
    expect(await listedItem(server, job)).toMatchObject({ status: 'Failed', fail_reason: '' });
  });
});

describe('route-switch', () => {
  it('Switching at once, Completed when the worker reports it', async () => {
    const job = await recordMigration(server, { status: 'ToBeSwitched' });
    expectOk(await act(server, job, 'route-switch'));
    expect(await listedItem(server, job)).toMatchObject({
      status: 'Switching',
      process: '0%',
      operations: [],
    });
    expectOk(await report(job.id, { progress: 100 }));
    expectOk(await report(job.id, { status: 'Completed' }));
    expect(await listedItem(server, job)).toMatchObject({ status: 'Completed', process: '', operations: [] });
    // Nothing more to do: a second switch is refused.
    const again = await act(server, job, 'route-switch');
    expect(again.statusCode).toBe(400);
    expect(again.body).toBe(NOT_ALLOWED('Completed'));
  });
});

describe('rollback', () => {
  it('Rollbacking at once, RollbackSuccess when the worker reports it', async () => {
    const job = await recordMigration(server, { status: 'Failed', fail_reason: 'disk full' });
    expectOk(await act(server, job, 'rollback'), 202);
    expect(await listedItem(server, job)).toMatchObject({ status: 'Rollbacking', fail_reason: '' });
    expectOk(await report(job.id, { status: 'RollbackSuccess' }));
    expect(await listedItem(server, job)).toMatchObject({
      status: 'RollbackSuccess',
      operations: ['toBeCleaned'],
    });
  });
});

describe('retry', () => {
  it('creates a retryMigrateLogicDb task the tenant sees and the worker drives; the failed one offers nothing', async () => {
    const job = await recordMigration(server, { status: 'Failed', fail_reason: 'disk full' });
    const before = await list();
    const response = await act(server, job, 'retry');
    expectOk(response, 202);
    const retryId = response.json().job_id as string;
    expect(retryId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);

    const after = await list();
    expect(after.total).toBe(before.total + 1);
    // Newest first: the retry task was created now.
    expect(after.jobs[0]).toMatchObject({
      id: retryId,
      name: 'retryMigrateLogicDb',
      status: 'Running',
      operations: ['toBeCanceled'],
      database_name: 'db_e487',
    });
    expect(await listedItem(server, job)).toMatchObject({
      status: 'Failed',
      fail_reason: 'disk full',
      operations: [],
    });
    expect(await stored(server, job.id)).toMatchObject({ retried_by: retryId });
    expect(await stored(server, retryId)).toMatchObject({
      project_id: PROJECT_A,
      instance_id: 'inst0001',
      instance_name: 'ddm-test',
      created_at: server.clock.now(),
      switch_route_begin_time: null,
      retried_by: null,
    });

    // A second retry of the same failed task is refused; the retry task runs its own course.
    const twice = await act(server, job, 'retry');
    expect(twice.statusCode).toBe(400);
    expect(twice.body).toBe(NOT_ALLOWED('Failed'));
    expectOk(await report(retryId, { status: 'ToBeSwitched' }));
    expect((await list()).jobs[0]).toMatchObject({
      id: retryId,
      operations: ['modifySwitchingStrategy', 'toBeSwitched', 'toBeCanceled'],
    });
  });

  it('keeps the failed task’s daily switch window (it comes round every day), or its manual switch', async () => {
    const windowed = await recordMigration(server, {
      status: 'Failed',
      switch_route_begin_time: '23:00:00',
      switch_route_end_time: '01:00:00',
    });
    const byHand = await recordMigration(server, { status: 'Failed' });
    const kept = await stored(server, (await act(server, windowed, 'retry')).json().job_id);
    expect(kept).toMatchObject({ switch_route_begin_time: '23:00:00', switch_route_end_time: '01:00:00' });
    const manual = await stored(server, (await act(server, byHand, 'retry')).json().job_id);
    expect(manual).toMatchObject({ switch_route_begin_time: null, switch_route_end_time: null });
  });
});

describe('clean', () => {
  it('removes the task from list and show, keeping it for audit with who cleaned it', async () => {
    const job = await recordMigration(server, { status: 'Running' });
    expectOk(await act(server, job, 'cancel'), 202);
    expectOk(await report(job.id, { status: 'CancelSuccess' }));
    const before = await list();
    const version = (await stored(server, job.id)).version;

    server.clock.advance(5_000);
    const response = await act(server, job, 'clean');
    expectOk(response, 202);
    expect(response.body).toBe(JSON.stringify({ job_id: job.id }));

    const after = await list({ start: server.clock.now() - DAY, end: server.clock.now() });
    expect(after.total).toBe(before.total - 1);
    expect(after.jobs.map((item) => item.id)).not.toContain(job.id);
    const shown = await server.app.inject({
      url: `/v3/${PROJECT_A}/jobs/${job.id}`,
      headers: { 'x-auth-token': await server.tokenFor('alice') },
    });
    expect(shown.statusCode).toBe(404);
    expect(shown.body).toBe(TASK_NOT_FOUND);

    const alice = await server.store.findUser({ name: 'alice', domainId: 'default' });
    const removed = await server.store.findRemovedJob(job.id);
    expect(removed).toMatchObject({
      removedAt: server.clock.now(),
      removedBy: alice?.id,
      job: { id: job.id, status: 'CancelSuccess', version },
    });

    // Gone for actions too.
    const again = await act(server, job, 'clean');
    expect(again.statusCode).toBe(404);
    expect(again.body).toBe(TASK_NOT_FOUND);
  });
});
