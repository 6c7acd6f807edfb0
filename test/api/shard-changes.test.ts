import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ddmErrorText, internal, PARAMETER_ERROR, TASK_NOT_FOUND } from '../support/api.js';
import { DATA_NODE_PASSWORDS, DN_DECLARED_PASSWORD } from '../support/data-nodes.js';
import { PROJECT_A, PROJECT_B, type TestServer } from '../support/harness.js';
import {
  type Auth,
  call,
  DATABASE,
  DN,
  INSTANCE,
  passwordsAnswered,
  shardBody,
  shardPath,
  startShardServer,
  storedText,
} from './shard-support.js';

/**
 * Starting a shard change in the emulator (docs/api.md, "Starting a shard change"): the data nodes
 * available, the pre-check and its result, perform, with a token and with an AK/SK signature, and
 * every rule's refusal with its code. Undeclared instances take the default inventory; the
 * declared one below tests the rules that need a declaration.
 */

const DECLARED = 'decl0001';
const INVENTORY = {
  instances: [
    {
      id: DECLARED,
      project: 'project-a',
      name: 'ddm-declared',
      load_balancing: false,
      other_schemas: 'none' as const,
      schemas: [
        { name: 'big', shard_number: 56, data_nodes: [{ id: 'dn-a', name: 'node a' }] },
        { name: 'small', shard_number: 2, data_nodes: [{ id: 'dn-a', name: 'node a' }] },
        {
          name: 'creating',
          shard_number: 2,
          data_nodes: [{ id: 'dn-a', name: 'node a' }],
          status: 'CREATING',
        },
        { name: 'warned', shard_number: 2, data_nodes: [{ id: 'dn-a', name: 'node a' }] },
      ],
      available_data_nodes: [
        { id: 'dn-b', name: 'node b', private_ip: '10.0.0.2', port: 3307, time_zone: 'UTC+01:00' },
        { id: 'dn-c', name: 'node c' },
      ],
      data_node_credentials: [{ id: 'dn-b', user: 'root', password: DN_DECLARED_PASSWORD }],
      precheck: {
        binlog_enabled: { status: 'FAILED' as const, error_message: 'binlog is off on dn-a' },
        dn_storage: { status: 'WARN' as const, note: 'storage 85% used' },
      },
    },
  ],
};

let server: TestServer;
beforeEach(async () => {
  server = await startShardServer({ emulator: true, inventory: INVENTORY });
});
afterEach(() => server.close());

afterAll(() => {
  expect(passwordsAnswered()).toEqual([]);
});

const err = (code: string, message: string) => ddmErrorText(code, message);

describe.each<Auth>(['token', 'aksk'])('with %s', (auth) => {
  it('lists the default inventory’s available data nodes, field by field, paged', async () => {
    const response = await call(server, 'GET', shardPath('available-data-nodes'), { auth });
    expect(response.statusCode).toBe(200);
    const node = (n: 3 | 4 | 5 | 6) => ({
      id: DN[n],
      name: `ddm-dn-${n}`,
      status: 'normal',
      engine_name: 'mysql',
      engine_version: '8.0',
      private_ip: `192.168.0.${10 + n}`,
      port: 3306,
      time_zone: 'UTC+08:00',
    });
    expect(response.body).toBe(
      JSON.stringify({ data_nodes: [node(3), node(4), node(5), node(6)], offset: 0, limit: 10, total: 4 }),
    );
    const page = await call(server, 'GET', shardPath('available-data-nodes?offset=1&limit=2'), { auth });
    expect(page.body).toBe(JSON.stringify({ data_nodes: [node(4), node(5)], offset: 1, limit: 2, total: 4 }));
    expect(typeof page.json().data_nodes[0].port).toBe('number');
  });

  it('pre-checks (202, the five items answered at once), then answers the eight later items', async () => {
    const response = await call(server, 'POST', shardPath('precheck'), {
      auth,
      body: shardBody('9', [DN[3]]),
    });
    expect(response.statusCode).toBe(202);
    const answer = response.json();
    expect(Object.keys(answer)).toEqual(['job_id', 'pre_check_results']);
    expect(answer.job_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(answer.pre_check_results.map((r: { name: string }) => r.name)).toEqual([
      'Length of physical table names',
      'Full backup time of binlog in associated DN instances',
      'Binlog enabled in associated DN instances',
      'Expire time of binlog in associated DN instances',
      'Maximum number of physical tables',
    ]);
    expect(answer.pre_check_results[3]).toEqual({
      name: 'Expire time of binlog in associated DN instances',
      status: 'SUCCESS',
      note: '',
      handling_suggestion:
        'Configuring shards require expiration of binlog more than 7 days(604800 seconds), please change binlog_expire_logs_seconds',
      error_message: '',
      error_detail_message: '',
    });
    const result = await call(server, 'GET', shardPath(`precheck/${answer.job_id}`), { auth });
    expect(result.statusCode).toBe(200);
    const later = result.json();
    expect(later.job_id).toBe(answer.job_id);
    expect(later.pre_check_results.map((r: { name: string; status: string }) => [r.name, r.status])).toEqual([
      ['Consistency of broadcast tables', 'SUCCESS'],
      ['Character set and collation of source shards', 'SUCCESS'],
      ['DDL of physical tables', 'SUCCESS'],
      ['Primary keys of tables', 'SUCCESS'],
      ['Access to associated DN instances', 'SUCCESS'],
      ['Parameters of associated DN instances', 'SUCCESS'],
      ['Storage space of associated DN instances', 'SUCCESS'],
      ['Time zone of associated DN instances', 'SUCCESS'],
    ]);
  });

  it('performs after a passed pre-check: a migrateLogicDb task listed at once, its details as asked', async () => {
    const body = shardBody(9, [DN[1], DN[3]], {
      switch_route_begin_time: '02:00:00',
      switch_route_end_time: '04:00:00',
      is_exclusive: true,
    });
    expect((await call(server, 'POST', shardPath('precheck'), { auth, body })).statusCode).toBe(202);
    const response = await call(server, 'POST', shardPath('migration'), { auth, body });
    expect(response.statusCode).toBe(202);
    const { job_id: jobId } = response.json();
    expect(Object.keys(response.json())).toEqual(['job_id']);
    const now = server.clock.now();
    const list = await call(server, 'GET', `/v3/${PROJECT_A}/jobs?start_time=${now - 1000}&end_time=${now}`, {
      auth,
    });
    expect(list.json().jobs).toMatchObject([
      {
        id: jobId,
        name: 'migrateLogicDb',
        status: 'Running',
        instance_id: INSTANCE,
        instance_name: 'ddm-simulated',
        database_name: DATABASE,
        operations: ['toBeCanceled'],
      },
    ]);
    const details = await call(server, 'GET', shardPath(`jobs/${jobId}`), { auth });
    expect(details.statusCode).toBe(200);
    expect(details.json()).toEqual({
      instance_name: 'ddm-simulated',
      original_shard_num: 8,
      after_shard_num: 9,
      original_dn_info_list: [
        { dn_instance_id: DN[1], dn_instance_name: 'ddm-dn-1' },
        { dn_instance_id: DN[2], dn_instance_name: 'ddm-dn-2' },
      ],
      after_dn_info_list: [
        { dn_instance_id: DN[1], dn_instance_name: 'ddm-dn-1' },
        { dn_instance_id: DN[3], dn_instance_name: 'ddm-dn-3' },
      ],
      switch_route_is_manual: false,
      auto_switch_begin_time: '02:00:00',
      auto_switch_end_time: '04:00:00',
      node_id_for_migrate: expect.stringMatching(/^[0-9a-f]{32}no09$/),
      is_exclusive: true,
    });
    const stored = (await internal(server, 'GET', `/internal/v1/jobs/${jobId}`)).json().job;
    expect([stored.switch_route_begin_time, stored.switch_route_end_time]).toEqual(['02:00:00', '04:00:00']);
  });
});

describe('refusals, each with its code, changing nothing', () => {
  const precheck = (body: unknown, options: { database?: string; instanceId?: string } = {}) =>
    call(server, 'POST', shardPath('precheck', options), { body });

  it('DBS.280001: the body’s shape (a missing field, an unknown one, a wrong type), and the query', async () => {
    expect((await precheck({ new_shard_number: '9' })).body).toBe(PARAMETER_ERROR('data_nodes is required.'));
    expect((await precheck({ ...shardBody('9', [DN[3]]), shards: 9 })).body).toBe(
      PARAMETER_ERROR('shards is not a known field.'),
    );
    expect((await precheck(shardBody('9', [DN[3]], { is_exclusive: 'yes' }))).body).toBe(
      PARAMETER_ERROR('is_exclusive must be true or false.'),
    );
    const query = await call(server, 'GET', shardPath('available-data-nodes?limit=129'));
    expect(query.statusCode).toBe(400);
    expect(query.body).toBe(PARAMETER_ERROR('limit must be an integer from 1 to 128.'));
    expect((await call(server, 'GET', shardPath('available-data-nodes?offset=-1'))).body).toBe(
      PARAMETER_ERROR('offset must be an integer from 0.'),
    );
  });

  it('DBS.300375: a shard number that is none, an unknown or repeated data node', async () => {
    expect((await precheck(shardBody('nine', [DN[3]]))).body).toBe(
      err('DBS.300375', 'Invalid parameter. new_shard_number must be a whole number of shards from 1.'),
    );
    expect((await precheck(shardBody(9.5, [DN[3]]))).statusCode).toBe(400);
    expect((await precheck(shardBody('9', ['nosuchnode']))).body).toBe(
      err('DBS.300375', 'Invalid parameter. data_nodes[0].id nosuchnode is not a data node of the instance.'),
    );
    expect((await precheck(shardBody('9', [DN[3], DN[3]]))).body).toBe(
      err('DBS.300375', `Invalid parameter. data_nodes[1].id ${DN[3]} is named twice.`),
    );
  });

  it('DBS.300118: not more shards than now, more than 64 on the instance, fewer shards than nodes', async () => {
    expect((await precheck(shardBody('8', [DN[3]]))).body).toBe(
      err(
        'DBS.300118',
        "Failed to scale out the schema. Check the request parameters. new_shard_number must be more than the schema's 8 shards.",
      ),
    );
    const big = await precheck(shardBody('5', ['dn-b']), { instanceId: DECLARED, database: 'small' });
    expect(big.body).toBe(
      err(
        'DBS.300118',
        'Failed to scale out the schema. Check the request parameters. An instance holds at most 64 shards; its other schemas hold 60.',
      ),
    );
  });

  it('DBS.300129: a schema the declared instance does not have', async () => {
    const response = await precheck(shardBody('9', ['dn-b']), { instanceId: DECLARED, database: 'nosuch' });
    expect(response.body).toBe(err('DBS.300129', 'The schema does not exist.'));
    const nodes = await call(
      server,
      'GET',
      shardPath('available-data-nodes', { instanceId: DECLARED, database: 'nosuch' }),
    );
    expect(nodes.body).toBe(err('DBS.300129', 'The schema does not exist.'));
  });

  it('DBS.300130: a schema not RUNNING, or one whose shard change is under way', async () => {
    expect(
      (await precheck(shardBody('3', ['dn-b']), { instanceId: DECLARED, database: 'creating' })).body,
    ).toBe(
      err(
        'DBS.300130',
        'The schema status does not allow this operation. The schema is CREATING; it must be RUNNING.',
      ),
    );
    const body = shardBody('9', [DN[3]]);
    await precheck(body);
    expect((await call(server, 'POST', shardPath('migration'), { body })).statusCode).toBe(202);
    expect((await precheck(shardBody('10', [DN[4]]))).body).toBe(
      err(
        'DBS.300130',
        'The schema status does not allow this operation. A shard change of the schema is under way.',
      ),
    );
  });

  it('DBS.300133: a data node another schema’s shard change uses', async () => {
    const body = shardBody('9', [DN[3]]);
    await precheck(body);
    expect((await call(server, 'POST', shardPath('migration'), { body })).statusCode).toBe(202);
    expect((await precheck(body, { database: 'db_other' })).body).toBe(
      err(
        'DBS.300133',
        'The data node is already used by a shard configuration. data_nodes[0].id is used by the shard change of another schema.',
      ),
    );
  });

  it('DBS.300357: an empty user or password, or not the declared account', async () => {
    const empty = shardBody('9', [DN[3]]);
    empty.data_nodes[0] = { id: DN[3], user: 'ddm_migrator', password: '' };
    expect((await precheck(empty)).body).toBe(
      err(
        'DBS.300357',
        'The user name or password of the data node is incorrect. data_nodes[0] needs a user and a password.',
      ),
    );
    const wrong = {
      new_shard_number: 3,
      data_nodes: [{ id: 'dn-b', user: 'root', password: DATA_NODE_PASSWORDS[0] }],
    };
    expect((await precheck(wrong, { instanceId: DECLARED, database: 'warned' })).body).toBe(
      err(
        'DBS.300357',
        'The user name or password of the data node is incorrect. data_nodes[0]: the user or password is wrong.',
      ),
    );
    const right = {
      new_shard_number: 3,
      data_nodes: [{ id: 'dn-b', user: 'root', password: DN_DECLARED_PASSWORD }],
    };
    expect((await precheck(right, { instanceId: DECLARED, database: 'warned' })).statusCode).toBe(202);
  });

  it('DBS.300370: is_exclusive without load balancing', async () => {
    const body = {
      new_shard_number: 3,
      data_nodes: [{ id: 'dn-c', user: 'u', password: DATA_NODE_PASSWORDS[0] }],
      is_exclusive: true,
    };
    expect((await precheck(body, { instanceId: DECLARED, database: 'warned' })).body).toBe(
      err('DBS.300370', 'Load balancing is not enabled. is_exclusive needs load balancing on the instance.'),
    );
  });

  it('DBS.300377: a switch window not HH:mm:ss or shorter than an hour', async () => {
    const response = await precheck(
      shardBody('9', [DN[3]], { switch_route_begin_time: '2:00', switch_route_end_time: '04:00:00' }),
    );
    expect(response.statusCode).toBe(400);
    expect(response.json().error_code).toBe('DBS.300377');
    const short = await precheck(
      shardBody('9', [DN[3]], { switch_route_begin_time: '02:00:00', switch_route_end_time: '02:30:00' }),
    );
    expect(short.json().error_code).toBe('DBS.300377');
  });

  it('DBS.300363: perform with no pre-check, another request’s, or one with a FAILED item; no task is made', async () => {
    const perform = (body: unknown, options: { database?: string; instanceId?: string } = {}) =>
      call(server, 'POST', shardPath('migration', options), { body });
    const NOT_PASSED = err(
      'DBS.300363',
      'Pre-check failed. Run a pre-check of this request, and wait for its result, first.',
    );
    expect((await perform(shardBody('9', [DN[3]]))).body).toBe(NOT_PASSED);
    await precheck(shardBody('9', [DN[3]]));
    expect((await perform(shardBody('10', [DN[3]]))).body).toBe(NOT_PASSED);
    expect((await perform(shardBody('9', [DN[4]]))).body).toBe(NOT_PASSED);
    const declared = {
      new_shard_number: 3,
      data_nodes: [{ id: 'dn-c', user: 'u', password: DATA_NODE_PASSWORDS[0] }],
    };
    const checked = await precheck(declared, { instanceId: DECLARED, database: 'warned' });
    expect(checked.json().pre_check_results[2]).toMatchObject({
      status: 'FAILED',
      error_message: 'binlog is off on dn-a',
    });
    const later = await call(
      server,
      'GET',
      shardPath(`precheck/${checked.json().job_id}`, { instanceId: DECLARED, database: 'warned' }),
    );
    expect(later.json().pre_check_results[6]).toMatchObject({ status: 'WARN', note: 'storage 85% used' });
    expect((await perform(declared, { instanceId: DECLARED, database: 'warned' })).body).toBe(
      err('DBS.300363', 'Pre-check failed. The latest pre-check of this request has a FAILED item.'),
    );
    const now = server.clock.now();
    const list = await call(
      server,
      'GET',
      `/v3/${PROJECT_A}/jobs?start_time=${now - 60_000}&end_time=${now}`,
    );
    expect(list.json().total).toBe(0);
  });

  it('a pre-check result of another schema, project or an unknown id is not found', async () => {
    const { job_id: id } = (await precheck(shardBody('9', [DN[3]]))).json();
    expect((await call(server, 'GET', shardPath(`precheck/${id}`, { database: 'db_other' }))).body).toBe(
      TASK_NOT_FOUND,
    );
    expect((await call(server, 'GET', shardPath('precheck/6f1d2c3b-4a59-4e87-b6d5-c4b3a2918071'))).body).toBe(
      TASK_NOT_FOUND,
    );
  });

  it('readers read, only the action roles pre-check and perform (403 APIGW.0302 before the body)', async () => {
    const asBob = { user: 'bob' };
    const reading = await call(
      server,
      'GET',
      shardPath('available-data-nodes', { projectId: PROJECT_B }),
      asBob,
    );
    expect(reading.statusCode).toBe(200);
    for (const tail of ['precheck', 'migration']) {
      const refused = await call(server, 'POST', shardPath(tail, { projectId: PROJECT_B }), {
        ...asBob,
        body: shardBody('9', [DN[3]]),
      });
      expect(refused.statusCode).toBe(403);
      expect(refused.json().error_code).toBe('APIGW.0302');
    }
    const other = await call(server, 'GET', shardPath('available-data-nodes', { projectId: PROJECT_B }));
    expect(other.statusCode).toBe(403);
  });
});

describe('data-node passwords', () => {
  it('are in no stored row and no answer, declared or sent', async () => {
    const body = shardBody('9', [DN[3]]);
    await call(server, 'POST', shardPath('precheck'), { body });
    await call(server, 'POST', shardPath('migration'), { body });
    const stored = await storedText(server);
    expect(stored.length).toBeGreaterThan(1000);
    expect(stored).toContain('ddm_migrator');
    for (const password of DATA_NODE_PASSWORDS) expect(stored).not.toContain(password);
    const feed = await internal(server, 'GET', '/internal/v1/events?limit=1000');
    for (const password of DATA_NODE_PASSWORDS) expect(feed.body).not.toContain(password);
  });
});

describe('the OpenAPI document', () => {
  it('describes the four routes with the SDK’s operation names, their bodies and answers', async () => {
    const document = (await server.app.inject({ url: '/openapi.json' })).json();
    const base = '/v3/{project_id}/instances/{instance_id}/databases/{db_name}/migration';
    const operations = [
      [`${base}/available-data-nodes`, 'get', 'ListAvailableRdsForMigrate', '200'],
      [`${base}/precheck`, 'post', 'CheckMigrateLogicDb', '202'],
      [`${base}/precheck/{job_id}`, 'get', 'CheckPreliminaryResults', '200'],
      [`${base}/migration`, 'post', 'MigrateLogicDb', '202'],
    ] as const;
    for (const [path, method, operationId, success] of operations) {
      const operation = document.paths[path]?.[method];
      expect(operation?.operationId).toBe(operationId);
      expect(Object.keys(operation.responses)).toContain(success);
    }
    const body = document.paths[`${base}/migration`].post.requestBody.content['application/json'].schema;
    expect(Object.keys(body.properties)).toEqual([
      'new_shard_number',
      'data_nodes',
      'switch_route_begin_time',
      'switch_route_end_time',
      'is_exclusive',
    ]);
    expect(
      document.paths['/internal/v1/shard-requests/{request_id}/accounts'].post['x-ddm-jobs-extension'],
    ).toBe(true);
  });
});
