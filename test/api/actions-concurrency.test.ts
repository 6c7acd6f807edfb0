import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { internal } from '../support/api.js';
import { PROJECT_A, startTestServer, type TestServer } from '../support/harness.js';
import { act, NOT_ALLOWED, recordMigration, stored } from './actions-support.js';

/** Actions are compare-and-set on the task's version: concurrent ones never both succeed. */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

function tally(codes: number[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const code of codes) counts[code] = (counts[code] ?? 0) + 1;
  return counts;
}

describe('concurrent actions on one task', () => {
  it('20 cancels at once: one 202 and nineteen DBS.300379', async () => {
    const job = await recordMigration(server, { status: 'Running' });
    await server.tokenFor('alice');
    const responses = await Promise.all(Array.from({ length: 20 }, () => act(server, job, 'cancel')));
    expect(tally(responses.map((r) => r.statusCode))).toEqual({ 202: 1, 400: 19 });
    for (const r of responses.filter((r) => r.statusCode === 400))
      expect(r.body).toBe(NOT_ALLOWED('Canceling'));
    // One change: from version 1 to 2.
    expect(await stored(server, job.id)).toMatchObject({ status: 'Canceling', version: 2 });
  });

  it('10 retries at once create exactly one retry task', async () => {
    const job = await recordMigration(server, { status: 'Failed' });
    const responses = await Promise.all(Array.from({ length: 10 }, () => act(server, job, 'retry')));
    const accepted = responses.filter((r) => r.statusCode === 202);
    expect(accepted).toHaveLength(1);
    const retryId = accepted[0]?.json().job_id;
    expect(await stored(server, job.id)).toMatchObject({ retried_by: retryId, version: 2 });
    const { total } = await server.store.listJobs(PROJECT_A, server.clock.now(), server.clock.now(), 0, 10);
    expect(total).toBe(1);
  });

  it('cancel, rollback and retry racing on a failed task: exactly one wins', async () => {
    for (let round = 0; round < 5; round++) {
      const job = await recordMigration(server, { status: 'Failed' });
      const actions = ['cancel', 'rollback', 'retry', 'cancel', 'rollback', 'retry'];
      const responses = await Promise.all(actions.map((action) => act(server, job, action)));
      expect(responses.filter((r) => r.statusCode === 202)).toHaveLength(1);
      expect(responses.filter((r) => r.statusCode === 400)).toHaveLength(5);
      expect((await stored(server, job.id)).version).toBe(2);
    }
  });

  it('a cancel racing with the producer’s progress reports loses neither', async () => {
    const job = await recordMigration(server, { status: 'Running', progress: 10 });
    const reports = Array.from({ length: 10 }, (_, i) =>
      internal(server, 'PATCH', `/internal/v1/jobs/${job.id}`, { progress: 20 + i }),
    );
    const [cancel, ...reported] = await Promise.all([act(server, job, 'cancel'), ...reports]);
    expect(cancel?.statusCode).toBe(202);
    // Reports land before or after the cancel; each is applied (one version each).
    for (const r of reported) expect(r.statusCode).toBe(200);
    const final = await stored(server, job.id);
    expect(final.status).toBe('Canceling');
    expect(final.version).toBe(1 + 1 + 10);
  });
});
