import type { DdmClient } from '@ddm-jobs/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shardBootstrap } from '../api/shard-support.js';
import { internal } from '../support/api.js';
import { DN_PASSWORD } from '../support/data-nodes.js';
import { startTestServer, type TestServer } from '../support/harness.js';
import { clientFor, closeListening, listen } from './support.js';

/**
 * A shard change started through the SDK against the emulator on its virtual clock, over real
 * HTTP, with a token and with an AK/SK signature: the data nodes, the pre-check and its result,
 * then perform; the task is listed at once, migrates, waits for its daily window (02:00 to 04:00
 * UTC), switches in it and completes, as the default template plays it (docs/scenarios.md).
 */
const schema = { instanceId: 'c0ffee0ddba5e4a1b2c3d4e5f6a7b8c9in09', dbName: 'db_orders' };
const dataNodes = [
  { id: 'dd000000000000000000000000000003in01', user: 'ddm_migrator', password: DN_PASSWORD },
];
const MINUTE = 60_000;

describe.each(['token', 'AK/SK'] as const)('with %s', (kind) => {
  let server: TestServer;
  let client: DdmClient;
  beforeAll(async () => {
    // The harness's clock starts at 2026-11-28 12:00:00 UTC.
    server = await startTestServer({ emulator: true, bootstrap: shardBootstrap() });
    client = await clientFor(kind, await listen(server), server);
  });
  afterAll(() => closeListening(server));

  const advance = async (ms: number) => {
    const moved = await internal(server, 'POST', '/internal/v1/clock', { advance_ms: ms });
    expect(moved.statusCode).toBe(200);
  };

  it('lists the data nodes, pre-checks, performs; the task plays out and switches in its window', async () => {
    const nodes = await client.listAvailableDataNodes(schema, { limit: 2 });
    expect(nodes).toMatchObject({ offset: 0, limit: 2, total: 4 });
    expect(nodes.data_nodes.map((node) => node.id)).toEqual([
      'dd000000000000000000000000000003in01',
      'dd000000000000000000000000000004in01',
    ]);
    const request = { newShardNumber: 9, dataNodes, switchWindow: { begin: '02:00:00', end: '04:00:00' } };
    const precheck = await client.precheckShardChange(schema, request);
    expect(precheck.pre_check_results.map((item) => item.status)).toEqual(Array(5).fill('SUCCESS'));
    const later = await client.getPrecheckResult(schema, precheck.job_id);
    expect(later).toMatchObject({ job_id: precheck.job_id });
    expect(later.pre_check_results).toHaveLength(8);

    const { jobId } = await client.startShardChange(schema, request);
    const started = server.clock.now();
    expect(await client.findJob(jobId)).toMatchObject({
      name: 'migrateLogicDb',
      status: 'Running',
      process: '0%',
      database_name: 'db_orders',
    });

    // Its details are the request's; its run log starts with the task.
    const job = await client.findJob(jobId);
    if (!job) throw new Error('the shard change is not listed');
    expect(await client.getMigrationDetails(job)).toMatchObject({
      original_shard_num: 8,
      after_shard_num: 9,
      after_dn_info_list: [{ dn_instance_id: dataNodes[0]?.id }],
      switch_route_is_manual: false,
      auto_switch_begin_time: '02:00:00',
      auto_switch_end_time: '04:00:00',
    });
    const logLevels = async () => (await client.listRunLogs(job)).task_logs.map((line) => line.level);
    expect(await logLevels()).toEqual(['INFO']);

    await advance(5 * MINUTE);
    expect(await client.findJob(jobId)).toMatchObject({ status: 'Running', process: '50%' });
    await advance(6 * MINUTE);
    // Migrated at 12:10; the window opens at 02:00 the next day.
    expect(await client.findJob(jobId)).toMatchObject({
      status: 'ToBeSwitched',
      operations: ['modifySwitchingStrategy', 'toBeCanceled'],
    });
    expect(await logLevels()).toEqual(['INFO', 'INFO']);
    await advance(13 * 60 * MINUTE + 48 * MINUTE); // 01:59
    expect((await client.findJob(jobId))?.status).toBe('ToBeSwitched');
    await advance(2 * MINUTE); // 02:01: switched at 02:00 in 30 s
    const done = await client.findJob(jobId);
    expect(done).toMatchObject({ status: 'Completed', end_time: '2026-11-29T02:00:30+0000' });
    // The history shows each status from the clock move that reported it; the end at its instant.
    const history = await client.getJobHistory(jobId);
    expect(history.map((entry) => [entry.status, entry.time])).toEqual([
      ['Running', '2026-11-28T12:00:00+0000'],
      ['ToBeSwitched', '2026-11-28T12:11:00+0000'],
      ['Switching', '2026-11-29T02:01:00+0000'],
      ['Completed', '2026-11-29T02:00:30+0000'],
    ]);
    expect(started).toBe(Date.UTC(2026, 10, 28, 12, 0, 0));
  });
});
