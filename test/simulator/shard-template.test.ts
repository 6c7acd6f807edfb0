import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { shardBody, shardPath } from '../api/shard-support.js';
import { internal } from '../support/api.js';
import { PROJECT_A, startTestServer, type TestServer } from '../support/harness.js';
import { at, DATABASE, INSTANCE, listed } from './support.js';

/**
 * A scenario's inventory (docs/scenarios.md, "Inventory"): posted to the emulator, its instance's
 * `shard_change` template is what a perform's task then plays, on the virtual clock; a mistake in
 * the inventory is refused naming the field, and nothing is recorded.
 */
const SCENARIO = `
project: project-a
inventory:
  instances:
    - id: ${INSTANCE}
      name: ddm-orders
      schemas: [{ name: ${DATABASE}, shard_number: 4, data_nodes: [{ id: rds-1in01, name: orders-1 }] }]
      available_data_nodes: [{ id: rds-2in01, name: orders-2 }]
      shard_change:
        steps:
          - { status: Running, progress: 62, over: 4m, logs: [{ level: INFO, message: Copying the shards. }] }
          - status: Failed
            reason: Shard 3 of the source is unreachable.
            logs: [{ level: ERROR, message: Shard 3 does not answer. }]
        on_rollback: { after: 1m }
`;

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer({ emulator: true });
});
afterEach(() => server.close());

const post = (text: string) =>
  server.app.inject({
    method: 'POST',
    url: '/internal/v1/scenarios',
    headers: { 'content-type': 'application/yaml' },
    payload: text,
  });

async function postAsWorker(text: string) {
  const token = await server.tokenFor('worker');
  return server.app.inject({
    method: 'POST',
    url: '/internal/v1/scenarios',
    headers: { 'content-type': 'application/yaml', 'x-auth-token': token },
    payload: text,
  });
}

async function tenant(method: 'GET' | 'POST', path: string, body?: unknown) {
  return server.app.inject({
    method,
    url: path,
    headers: { 'x-auth-token': await server.tokenFor('alice') },
    ...(body === undefined ? {} : { payload: body as object }),
  });
}

/** The task's run-log lines, newest first, as level and message. */
async function runLog(id: string) {
  const page = await tenant('GET', `/v3/${PROJECT_A}/instance/${INSTANCE}/task/${id}/run-logs?limit=10`);
  return (page.json().task_logs as { level: string; message: string }[]).map((l) => [l.level, l.message]);
}

describe('a scenario’s inventory', () => {
  it('declares the instance, and its template is what a perform’s task plays', async () => {
    expect((await post(SCENARIO)).statusCode).toBe(401);
    const applied = await postAsWorker(SCENARIO);
    expect([applied.statusCode, applied.body]).toEqual([201, '{"jobs":[]}']);
    const nodes = (await tenant('GET', shardPath('available-data-nodes', { instanceId: INSTANCE }))).json();
    expect(nodes).toMatchObject({
      total: 1,
      data_nodes: [{ id: 'rds-2in01', name: 'orders-2', port: 3306 }],
    });
    const body = shardBody('6', ['rds-2in01']);
    expect((await tenant('POST', shardPath('precheck', { instanceId: INSTANCE }), body)).statusCode).toBe(
      202,
    );
    const perform = await tenant('POST', shardPath('migration', { instanceId: INSTANCE }), body);
    expect(perform.statusCode).toBe(202);
    const { job_id: id } = perform.json();
    const origin = server.clock.now();
    expect(await listed(server, id)).toMatchObject({
      status: 'Running',
      instance_name: 'ddm-orders',
      process: '0%',
    });
    // The first step's lines come with the task, the next step's when it gets there.
    expect(await runLog(id)).toEqual([['INFO', 'Copying the shards.']]);
    await at(server, origin, 2 * 60_000);
    expect(await listed(server, id)).toMatchObject({ status: 'Running', process: '31%' });
    await at(server, origin, 5 * 60_000);
    expect(await listed(server, id)).toMatchObject({
      status: 'Failed',
      fail_reason: 'Shard 3 of the source is unreachable.',
      operations: ['toBeCanceled', 'toBeRetried', 'toBeRolled'],
    });
    expect(await runLog(id)).toEqual([
      ['ERROR', 'Shard 3 does not answer.'],
      ['INFO', 'Copying the shards.'],
    ]);
  });

  it('refuses a mistake naming the field (DBS.280001), a template step with a window too', async () => {
    const bad = await postAsWorker(SCENARIO.replace('shard_number: 4', 'shard_number: 0'));
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toEqual({
      error_code: 'DBS.280001',
      error_msg: 'Parameter error. inventory.instances.0.schemas.0.shard_number must be >= 1.',
    });
    const windowed = await postAsWorker(
      SCENARIO.replace(
        `- status: Failed
            reason: Shard 3 of the source is unreachable.
            logs: [{ level: ERROR, message: Shard 3 does not answer. }]`,
        '- { status: ToBeSwitched, window: { begin: "02:00:00", end: "04:00:00" } }',
      ),
    );
    expect(windowed.statusCode).toBe(400);
    expect(windowed.json().error_msg).toContain(
      "inventory.instances[0].shard_change.steps[1].window cannot be given: the perform's request sets the window.",
    );
    expect(await server.store.getInventory('619d3e78f61b4be68bc5aa0b59edcf7b', INSTANCE)).toBeUndefined();
    expect((await internal(server, 'GET', '/internal/v1/events')).json().events).toEqual([]);
  });
});
