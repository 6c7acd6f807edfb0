import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ddmErrorText, internal } from '../support/api.js';
import { DN_PASSWORD } from '../support/data-nodes.js';
import { PROJECT_A, type TestServer } from '../support/harness.js';
import {
  call,
  DATABASE,
  INSTANCE,
  passwordsAnswered,
  shardBody,
  shardPath,
  startShardServer,
  storedText,
} from './shard-support.js';

/**
 * Outside the emulator the control plane owns inventory and checks (docs/api.md, "Shard changes
 * for workers"): workers report each instance's inventory, answer the pre-checks the feed
 * announces, are handed a request's data-node accounts once, and carry out performs, whose tasks
 * the feed announces. Worker calls go with a token and with an AK/SK signature.
 */

let server: TestServer;
beforeEach(async () => {
  server = await startShardServer({ emulator: false });
});
afterEach(() => server.close());
afterAll(() => {
  expect(passwordsAnswered()).toEqual([]);
});

const INVENTORY = {
  name: 'ddm-orders',
  schemas: [{ name: DATABASE, shard_number: 4, data_nodes: [{ id: 'rds-1in01', name: 'orders-1' }] }],
  available_data_nodes: [
    {
      id: 'rds-2in01',
      name: 'orders-2',
      status: 'normal',
      engine_name: 'mysql',
      engine_version: '5.7',
      private_ip: '172.16.0.2',
      port: 3306,
      time_zone: 'UTC+00:00',
    },
  ],
  precheck: { binlog_retention: { status: 'WARN', note: 'binlog kept 3 days' } },
};
const inventoryPath = `/internal/v1/inventory/${PROJECT_A}/instances/${INSTANCE}`;

const worker = (
  method: 'GET' | 'POST' | 'PUT',
  path: string,
  body?: unknown,
  auth: 'token' | 'aksk' = 'token',
) => call(server, method, path, { user: 'worker', auth, ...(body === undefined ? {} : { body }) });

describe('the producer side', () => {
  it('an instance no producer reported does not exist (DBS.300129); a reported one lists its nodes', async () => {
    const unknown = await call(server, 'GET', shardPath('available-data-nodes'));
    expect(unknown.body).toBe(ddmErrorText('DBS.300129', 'The schema does not exist.'));
    const put = await worker('PUT', inventoryPath, INVENTORY, 'aksk');
    expect([put.statusCode, put.body]).toEqual([200, '{}']);
    const nodes = await call(server, 'GET', shardPath('available-data-nodes'), { auth: 'aksk' });
    expect(nodes.json()).toEqual({
      data_nodes: INVENTORY.available_data_nodes,
      offset: 0,
      limit: 10,
      total: 1,
    });
    const bad = await worker('PUT', inventoryPath, {
      ...INVENTORY,
      schemas: [{ name: DATABASE, shard_number: 65 }],
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error_code).toBe('DBS.280001');
    const tenant = await call(server, 'PUT', inventoryPath, { body: INVENTORY });
    expect(tenant.statusCode).toBe(403);
  });

  it('a pre-check is announced on the feed, its accounts handed out once, answered by a worker', async () => {
    await worker('PUT', inventoryPath, INVENTORY);
    const before = (await internal(server, 'GET', '/internal/v1/events?limit=1000')).json().next_cursor;
    const body = shardBody('6', ['rds-1in01', 'rds-2in01']);
    const precheck = await call(server, 'POST', shardPath('precheck'), { body });
    expect(precheck.statusCode).toBe(202);
    const { job_id: id, pre_check_results: sync } = precheck.json();
    expect(sync[3]).toMatchObject({
      name: 'Expire time of binlog in associated DN instances',
      status: 'WARN',
      note: 'binlog kept 3 days',
    });

    const feed = (await internal(server, 'GET', `/internal/v1/events?after=${before}`)).json();
    expect(feed.events).toHaveLength(1);
    const [event] = feed.events;
    expect(event.type).toBe('requested');
    expect(event.job).toBeNull();
    expect(event.shard_request).toMatchObject({
      id,
      kind: 'precheck',
      project_id: PROJECT_A,
      instance_id: INSTANCE,
      database_name: DATABASE,
      new_shard_number: 6,
      data_nodes: [
        { id: 'rds-1in01', user: 'ddm_migrator' },
        { id: 'rds-2in01', user: 'ddm_migrator' },
      ],
      original_shard_number: 4,
      results: null,
      accounts_kept: true,
    });
    const pending = (await worker('GET', '/internal/v1/shard-requests/pending', undefined, 'aksk')).json();
    expect(pending.requests.map((r: { id: string }) => r.id)).toEqual([id]);
    // Until a worker answers, the result has no items and a perform is refused.
    expect((await call(server, 'GET', shardPath(`precheck/${id}`))).json()).toEqual({
      job_id: id,
      pre_check_results: [],
    });
    expect((await call(server, 'POST', shardPath('migration'), { body })).json().error_code).toBe(
      'DBS.300363',
    );

    const accounts = await worker('POST', `/internal/v1/shard-requests/${id}/accounts`);
    expect(accounts.statusCode).toBe(200);
    // The one answer that carries a password: to the worker, once (kept out of the suite's check).
    const handed = accounts.json();
    expect(handed).toEqual({
      data_nodes: [
        { id: 'rds-1in01', user: 'ddm_migrator', password: DN_PASSWORD },
        { id: 'rds-2in01', user: 'ddm_migrator', password: DN_PASSWORD },
      ],
    });
    const answersSoFar = passwordsAnswered().length;
    expect((await worker('POST', `/internal/v1/shard-requests/${id}/accounts`)).json().error_code).toBe(
      'DDMJOBS.0420',
    );
    expect(passwordsAnswered().length).toBe(answersSoFar);

    const results = [{ name: 'Access to associated DN instances', status: 'SUCCESS' }];
    const answered = await worker(
      'PUT',
      `/internal/v1/shard-requests/${id}/results`,
      { pre_check_results: results },
      'aksk',
    );
    expect([answered.statusCode, answered.body]).toEqual([200, '{}']);
    expect(
      (
        await worker('PUT', `/internal/v1/shard-requests/${id}/results`, { pre_check_results: results })
      ).json().error_code,
    ).toBe('DDMJOBS.0421');
    expect((await call(server, 'GET', shardPath(`precheck/${id}`))).json()).toEqual({
      job_id: id,
      pre_check_results: [
        {
          name: 'Access to associated DN instances',
          status: 'SUCCESS',
          note: '',
          handling_suggestion: '',
          error_message: '',
          error_detail_message: '',
        },
      ],
    });
    expect((await worker('GET', '/internal/v1/shard-requests/pending')).json().requests).toEqual([]);
  });

  it('a perform records a Running migrateLogicDb task, announced by its created entry, its request readable', async () => {
    await worker('PUT', inventoryPath, INVENTORY);
    const body = shardBody('6', ['rds-2in01']);
    const { job_id: precheckId } = (await call(server, 'POST', shardPath('precheck'), { body })).json();
    await worker('PUT', `/internal/v1/shard-requests/${precheckId}/results`, {
      pre_check_results: [{ name: 'Primary keys of tables', status: 'WARN' }],
    });
    const before = (await internal(server, 'GET', '/internal/v1/events?limit=1000')).json().next_cursor;
    const perform = await call(server, 'POST', shardPath('migration'), { body, auth: 'aksk' });
    expect(perform.statusCode).toBe(202);
    const { job_id: jobId } = perform.json();
    const feed = (await internal(server, 'GET', `/internal/v1/events?after=${before}`)).json();
    expect(
      feed.events.map((e: { type: string; job: { id: string; name: string; status: string } }) => [
        e.type,
        e.job.id,
        e.job.name,
        e.job.status,
      ]),
    ).toEqual([['created', jobId, 'migrateLogicDb', 'Running']]);
    const request = (await worker('GET', `/internal/v1/shard-requests/${jobId}`)).json().request;
    expect(request).toMatchObject({ id: jobId, kind: 'migration', new_shard_number: 6, accounts_kept: true });
    expect(
      (await worker('POST', `/internal/v1/shard-requests/${jobId}/accounts`)).json().data_nodes,
    ).toHaveLength(1);
    const now = server.clock.now();
    const list = (
      await call(server, 'GET', `/v3/${PROJECT_A}/jobs?start_time=${now - 1000}&end_time=${now}`)
    ).json();
    expect(list.jobs).toMatchObject([
      { id: jobId, status: 'Running', instance_name: 'ddm-orders', database_name: DATABASE },
    ]);
  });

  it('keeps no data-node password in clear: sealed until handed out, then dropped', async () => {
    await worker('PUT', inventoryPath, INVENTORY);
    const { job_id: id } = (
      await call(server, 'POST', shardPath('precheck'), { body: shardBody('6', ['rds-2in01']) })
    ).json();
    expect(await storedText(server)).not.toContain(DN_PASSWORD);
    expect((await server.store.getShardRequest(id))?.sealedAccounts).not.toBeNull();
    await worker('POST', `/internal/v1/shard-requests/${id}/accounts`);
    expect((await server.store.getShardRequest(id))?.sealedAccounts).toBeNull();
    expect(await storedText(server)).not.toContain(DN_PASSWORD);
  });
});
