import type { DdmClient } from '@ddm-jobs/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSignedServer } from '../aksk/fixture.js';
import { internal } from '../support/api.js';
import { PROJECT_B, type TestServer } from '../support/harness.js';
import {
  clientFor,
  closeListening,
  countingFetch,
  DATABASE,
  INSTANCE,
  listen,
  recordMigration,
  rejection,
} from './support.js';

/**
 * `getMigrationDetails`, `listRunLogs` and `runLogs` against a real server over real HTTP, with
 * a token and with an AK/SK signature: the shapes and types a caller relies on, the ways a task
 * may be named, and lines appended while paging.
 */
let server: TestServer;
let url: string;
beforeAll(async () => {
  server = await startSignedServer();
  url = await listen(server);
});
afterAll(() => closeListening(server));

const NODES = [{ dn_instance_id: '7edae0250ebc464897bd92b8d3e8b769in01', dn_instance_name: 'rds-a' }];
const appendLines = async (id: string, messages: string[], level = 'INFO') => {
  const answer = await internal(server, 'POST', `/internal/v1/jobs/${id}/logs`, {
    logs: messages.map((message) => ({ level, message })),
  });
  expect(answer.statusCode, answer.body).toBe(201);
};

describe.each(['token', 'AK/SK'] as const)('with %s', (kind) => {
  let client: DdmClient;
  beforeAll(async () => {
    client = await clientFor(kind, url, server);
  });

  it('reads a migration task’s details by id, by path parameters and as listed, every field typed', async () => {
    const task = await recordMigration(server, {
      status: 'ToBeSwitched',
      original_shard_num: 8,
      after_shard_num: 9,
      original_dn_info_list: NODES,
      after_dn_info_list: NODES,
      node_id_for_migrate: 'node09',
      is_exclusive: true,
      switch_route_begin_time: '17:00:00',
      switch_route_end_time: '18:30:00',
    });
    const expected = {
      instance_name: 'ddm-test',
      original_shard_num: 8,
      after_shard_num: 9,
      original_dn_info_list: NODES,
      after_dn_info_list: NODES,
      switch_route_is_manual: false,
      auto_switch_begin_time: '17:00:00',
      auto_switch_end_time: '18:30:00',
      node_id_for_migrate: 'node09',
      is_exclusive: true,
    };
    const byId = await client.getMigrationDetails(task.id);
    expect(Object.keys(byId)).toEqual(Object.keys(expected));
    expect(byId).toEqual(expected);
    expect(
      await client.getMigrationDetails({ jobId: task.id, instanceId: INSTANCE, dbName: DATABASE }),
    ).toEqual(expected);
    const listed = await client.findJob(task.id);
    expect(await client.getMigrationDetails(listed as NonNullable<typeof listed>)).toEqual(expected);
  });

  it('shows a manual task with no recorded details as 0, [], "" and false', async () => {
    const task = await recordMigration(server, { status: 'Running' });
    expect(await client.getMigrationDetails(task.id)).toEqual({
      instance_name: 'ddm-test',
      original_shard_num: 0,
      after_shard_num: 0,
      original_dn_info_list: [],
      after_dn_info_list: [],
      switch_route_is_manual: true,
      auto_switch_begin_time: '',
      auto_switch_end_time: '',
      node_id_for_migrate: '',
      is_exclusive: false,
    });
  });

  it('reads one page of a run log newest first, with the paging fields, by id or by id and instance', async () => {
    const task = await recordMigration(server, { status: 'Running' });
    await appendLines(task.id, ['pre-check passed', 'copying shard 1']);
    await appendLines(task.id, ['shard 3 unreachable'], 'ERROR');
    const page = await client.listRunLogs(task.id, { offset: 0, limit: 2 });
    expect(page).toMatchObject({ cur_page: 1, per_page: 2, total: 3 });
    expect(page.task_logs).toEqual([
      {
        task_id: task.id,
        ddm_instance_id: INSTANCE,
        level: 'ERROR',
        created_time: server.clock.now(),
        message: 'shard 3 unreachable',
      },
      expect.objectContaining({ level: 'INFO', message: 'copying shard 1' }),
    ]);
    expect(typeof page.task_logs[0]?.created_time).toBe('number');
    const second = await client.listRunLogs(
      { jobId: task.id, instanceId: INSTANCE },
      { offset: 2, limit: 2 },
    );
    expect(second).toMatchObject({ cur_page: 2, per_page: 2, total: 3 });
    expect(second.task_logs.map((line) => line.message)).toEqual(['pre-check passed']);
  });

  it('iterates every line once, newest first, even when lines are appended between pages', async () => {
    const task = await recordMigration(server, { status: 'Running' });
    await appendLines(
      task.id,
      Array.from({ length: 7 }, (_, i) => `line ${i}`),
    );
    const seen: string[] = [];
    let n = 0;
    for await (const line of client.runLogs({ id: task.id, instance_id: INSTANCE }, { pageSize: 3 })) {
      seen.push(line.message);
      // Lines written while paging shift every older line's offset.
      if (++n % 3 === 0) await appendLines(task.id, [`late ${n}`]);
    }
    expect(seen).toEqual(['line 6', 'line 5', 'line 4', 'line 3', 'line 2', 'line 1', 'line 0']);
  });

  it("rejects another project's task and a non-migration task's details with the server's 404", async () => {
    const foreign = await server.record({ project_id: PROJECT_B, name: 'CreateInstance' });
    expect(await rejection(client.listRunLogs(String(foreign.id)))).toMatchObject({
      status: 404,
      errorCode: 'DBS.300400',
    });
    const other = await recordMigration(server, { name: 'CreateInstance', database_name: '' });
    expect(
      await rejection(
        client.getMigrationDetails({ jobId: other.id, instanceId: INSTANCE, dbName: DATABASE }),
      ),
    ).toMatchObject({ status: 404, errorCode: 'DBS.300400' });
  });
});

it('refuses a bad page size and a bad limit: a TypeError before sending, the server’s 400 after', async () => {
  const counting = countingFetch();
  const client = await clientFor('token', url, server, { fetch: counting.fetch });
  const task = await recordMigration(server);
  expect(() => client.runLogs(task.id, { pageSize: 129 })).toThrow(
    new TypeError('pageSize must be an integer from 1 to 128'),
  );
  expect(counting.sent).toEqual([]);
  expect(
    await rejection(client.listRunLogs({ jobId: task.id, instanceId: INSTANCE }, { limit: 0 })),
  ).toMatchObject({ status: 400, errorCode: 'DBS.280001' });
});
