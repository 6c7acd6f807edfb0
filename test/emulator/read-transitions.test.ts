import { DdmClient } from '@ddm-jobs/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOCK_START, type Emulator, type Json, startEmulator } from './emulator-server.js';

// Issue 18, point 4: transitions counted in reads. A scenario step with `reads: N` lasts until
// tenants have read its task N times (list or show), for pollers tested without moving a clock.

const DAY = 86_400_000;

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(() => emulator?.close());

/** A tenant of its own, and the SDK on its access key, on the emulator's standing clock. */
async function tenantClient(): Promise<{ tenant: Json; client: DdmClient; reads: () => number }> {
  const tenant = (await emulator.asWorker('POST', '/internal/v1/tenants')).body;
  let reads = 0;
  const client = new DdmClient({
    endpoint: tenant.endpoint,
    projectId: tenant.project.id,
    now: () => CLOCK_START,
    auth: { accessKey: tenant.access_key.access, secretKey: tenant.access_key.secret },
    fetch: (input, init) => {
      reads++;
      return fetch(input, init);
    },
  });
  return { tenant, client, reads: () => reads };
}

/** Posts a scenario of one task in the tenant's project; answers the task's id. */
async function declare(tenant: Json, task: Record<string, unknown>): Promise<string> {
  const answer = await emulator.asWorker('POST', '/internal/v1/scenarios', {
    project: tenant.project.id,
    tasks: [task],
  });
  expect(answer.status).toBe(201);
  return answer.body.jobs[0];
}

const clockNow = async () => (await emulator.asWorker('GET', '/internal/v1/clock')).body.now;

describe('steps that end with reads', () => {
  it('move a task on after N shows, the clock never moved', async () => {
    const { tenant, client } = await tenantClient();
    const id = await declare(tenant, {
      name: 'EnlargeNode',
      steps: [
        { status: 'Running', progress: 50, reads: 3 },
        { status: 'Running', progress: 80, reads: 2 },
        { status: 'Completed' },
      ],
    });
    const seen: string[] = [];
    for (let i = 0; i < 7; i++) {
      const job = await client.getJob(id);
      seen.push(`${job.status} ${job.process}`);
    }
    expect(seen).toEqual([
      'Running 50%',
      'Running 50%',
      'Running 50%',
      'Running 80%',
      'Running 80%',
      'Completed ',
      'Completed ',
    ]);
    expect(await clockNow()).toBe(CLOCK_START);
  });

  it("let the SDK's waitForJob see the task finish, after exactly the declared reads", async () => {
    const { tenant, client, reads } = await tenantClient();
    const id = await declare(tenant, {
      name: 'CreateInstance',
      steps: [
        { status: 'Running', progress: 10, reads: 4 },
        { status: 'Failed', reason: 'quota exceeded' },
      ],
    });
    const done = await client.waitForJob(id, { intervalMs: 0, timeoutMs: 20_000 });
    expect(done).toMatchObject({ id, status: 'Failed' });
    // Four reads in Running, then the one that found it failed.
    expect(reads()).toBe(5);
    expect(await clockNow()).toBe(CLOCK_START);
  });

  it('count a list page holding the task as a read of it, and only the tenant routes count', async () => {
    const { tenant, client } = await tenantClient();
    const id = await declare(tenant, {
      name: 'ReduceNode',
      steps: [{ status: 'Running', progress: 20, reads: 2 }, { status: 'Completed' }],
    });
    // The producers' API reads without counting.
    for (let i = 0; i < 3; i++)
      expect((await emulator.asWorker('GET', `/internal/v1/jobs/${id}`)).body.job.status).toBe('Running');
    const page = async () =>
      (await client.listJobs({ startTime: CLOCK_START - DAY, endTime: CLOCK_START })).jobs.map(
        (job) => job.status,
      );
    expect(await page()).toEqual(['Running']);
    expect(await page()).toEqual(['Running']);
    expect(await page()).toEqual(['Completed']);
  });

  it('start counting again after a reset of the project', async () => {
    const { tenant, client } = await tenantClient();
    const task = {
      name: 'CreateInstance',
      id: '7e57da7a-0000-4000-8000-000000000001',
      steps: [{ status: 'Running', progress: 40, reads: 2 }, { status: 'Completed' }],
    };
    await declare(tenant, task);
    expect((await client.getJob(task.id)).status).toBe('Running');
    const reset = await emulator.asWorker('POST', '/internal/v1/reset', { project_id: tenant.project.id });
    expect(reset.status).toBe(200);
    await declare(tenant, task);
    // The read before the reset no longer counts: two more are needed.
    expect((await client.getJob(task.id)).status).toBe('Running');
    expect((await client.getJob(task.id)).status).toBe('Running');
    expect((await client.getJob(task.id)).status).toBe('Completed');
  });

  it('count again from 0 after a snapshot is restored, as the saved emulator would', async () => {
    const { tenant, client } = await tenantClient();
    const id = await declare(tenant, {
      name: 'CreateInstance',
      steps: [{ status: 'Running', progress: 40, reads: 2 }, { status: 'Completed' }],
    });
    const saved = await emulator.asWorker('GET', '/internal/v1/snapshot');
    expect(saved.status).toBe(200);
    expect((await client.getJob(id)).status).toBe('Running');
    expect((await emulator.asWorker('POST', '/internal/v1/snapshot', saved.body)).status).toBe(200);
    expect((await client.getJob(id)).status).toBe('Running');
    expect((await client.getJob(id)).status).toBe('Running');
    expect((await client.getJob(id)).status).toBe('Completed');
  });

  it('are refused where they could never end, or beside over, naming the step', async () => {
    const { tenant } = await tenantClient();
    const refused = async (steps: unknown[], text: string) => {
      const answer = await emulator.asWorker('POST', '/internal/v1/scenarios', {
        project: tenant.project.id,
        tasks: [{ name: 'migrateLogicDb', database: 'db1', steps }],
      });
      expect(answer.status).toBe(400);
      expect(answer.body.error_msg).toContain(text);
    };
    await refused(
      [{ status: 'Running', progress: 50, reads: 2, over: '1m' }, { status: 'ToBeSwitched' }],
      'tasks[0].steps[0]: give over or reads, not both',
    );
    await refused([{ status: 'Running', reads: 2 }], 'tasks[0].steps[0].reads needs a step after it');
    await refused(
      [{ status: 'Running', over: '1m' }, { status: 'ToBeSwitched', reads: 1 }, { status: 'Switching' }],
      'tasks[0].steps[1].reads is not for ToBeSwitched steps',
    );
    await refused(
      [{ status: 'Running', reads: 0 }, { status: 'Completed' }],
      'tasks[0].steps[0].reads must be',
    );
    await refused(
      [{ status: 'Running', reads: 1.5 }, { status: 'Completed' }],
      'tasks[0].steps[0].reads must be',
    );
  });
});
