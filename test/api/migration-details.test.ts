import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALICE_KEY, startSignedServer } from '../aksk/fixture.js';
import { internal, MINUTE, PARAMETER_ERROR, TASK_NOT_FOUND } from '../support/api.js';
import { PROJECT_A, PROJECT_B, type TestServer } from '../support/harness.js';
import { type HttpAnswer, sendOverHttp } from '../support/real-http.js';
import { sdkSign } from '../support/sdk-signer.js';
import { act, DATABASE, INSTANCE } from './actions-support.js';

/**
 * `GET /v3/{project_id}/instances/{instance_id}/databases/{db_name}/migration/jobs/{job_id}`
 * (MigrateResults): what producers recorded of a shard-configuration task, and its switch window.
 */

let server: TestServer;
beforeAll(async () => {
  server = await startSignedServer();
});
afterAll(() => server.close());

const detailsUrl = (id: string, instance = INSTANCE, db = DATABASE, projectId = PROJECT_A) =>
  `/v3/${projectId}/instances/${instance}/databases/${db}/migration/jobs/${id}`;

const details = async (
  id: string,
  user = 'alice',
  instance = INSTANCE,
  db = DATABASE,
  projectId = PROJECT_A,
) =>
  sendOverHttp(server, {
    method: 'GET',
    url: detailsUrl(id, instance, db, projectId),
    headers: { 'x-auth-token': await server.tokenFor(user) },
  });

const ok = (response: HttpAnswer, status = 200) => {
  expect(response.statusCode, response.body).toBe(status);
  return response;
};

const NODES_BEFORE = [
  { dn_instance_id: '7edae0250ebc464897bd92b8d3e8b769in01', dn_instance_name: 'UTS-rds-dtc-src' },
];
const NODES_AFTER = [
  ...NODES_BEFORE,
  { dn_instance_id: '0b7d3c1e2f444b1a9c550e8f2a7d6b13in01', dn_instance_name: 'UTS-rds-dtc-new' },
];

const recordMigration = async (fields: Record<string, unknown> = {}) =>
  (await server.record({
    id: randomUUID(),
    name: 'migrateLogicDb',
    instance_id: INSTANCE,
    instance_name: 'UTS-src',
    database_name: DATABASE,
    created_at: server.clock.now() - 10 * MINUTE,
    ...fields,
  })) as { id: string; version: number };

describe('the details of a shard-configuration task', () => {
  it('show every field a producer recorded, in the documented order and types, with the window', async () => {
    const job = await recordMigration({
      original_shard_num: 8,
      after_shard_num: 9,
      original_dn_info_list: NODES_BEFORE,
      after_dn_info_list: NODES_AFTER,
      node_id_for_migrate: '0c12161a26a4426c9bc72efe4ff05224no09',
      is_exclusive: true,
      switch_route_begin_time: '17:00:00',
      switch_route_end_time: '18:30:00',
    });
    const response = ok(await details(job.id));
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.body).toBe(
      JSON.stringify({
        instance_name: 'UTS-src',
        original_shard_num: 8,
        after_shard_num: 9,
        original_dn_info_list: NODES_BEFORE,
        after_dn_info_list: NODES_AFTER,
        switch_route_is_manual: false,
        auto_switch_begin_time: '17:00:00',
        auto_switch_end_time: '18:30:00',
        node_id_for_migrate: '0c12161a26a4426c9bc72efe4ff05224no09',
        is_exclusive: true,
      }),
    );
  });

  it('show the defaults for what nothing recorded, and a manual switch with empty times', async () => {
    const job = await recordMigration();
    expect(ok(await details(job.id)).body).toBe(
      JSON.stringify({
        instance_name: 'UTS-src',
        original_shard_num: 0,
        after_shard_num: 0,
        original_dn_info_list: [],
        after_dn_info_list: [],
        switch_route_is_manual: true,
        auto_switch_begin_time: '',
        auto_switch_end_time: '',
        node_id_for_migrate: '',
        is_exclusive: false,
      }),
    );
  });

  it('follow a report: the fields given change, the others stay, the task version does not move', async () => {
    const job = await recordMigration({ original_shard_num: 8, is_exclusive: true });
    const reported = ok(
      await internal(server, 'PATCH', `/internal/v1/jobs/${job.id}`, {
        after_shard_num: 12,
        after_dn_info_list: NODES_AFTER,
        if_version: job.version,
      }),
    );
    expect(reported.json().job.version).toBe(job.version);
    ok(
      await internal(server, 'PATCH', `/internal/v1/jobs/${job.id}`, {
        progress: 50,
        node_id_for_migrate: 'n1',
      }),
    );
    const shown = ok(await details(job.id)).json();
    expect(shown).toMatchObject({
      original_shard_num: 8,
      after_shard_num: 12,
      after_dn_info_list: NODES_AFTER,
      is_exclusive: true,
      node_id_for_migrate: 'n1',
    });
    const stale = await internal(server, 'PATCH', `/internal/v1/jobs/${job.id}`, {
      after_shard_num: 13,
      if_version: 1,
    });
    expect([stale.statusCode, stale.json().error_code]).toEqual([409, 'DDMJOBS.0410']);
    expect(ok(await details(job.id)).json().after_shard_num).toBe(12);
  });

  it('follow a batch: creations and reports with details, each item on its own', async () => {
    const id = randomUUID();
    const response = ok(
      await internal(server, 'POST', '/internal/v1/jobs/batch', {
        create: [
          {
            id,
            project_id: PROJECT_A,
            name: 'migrateLogicDb',
            instance_id: INSTANCE,
            instance_name: 'UTS-src',
            database_name: DATABASE,
            original_shard_num: 4,
          },
          {
            project_id: PROJECT_A,
            name: 'CreateInstance',
            instance_id: INSTANCE,
            instance_name: 'UTS-src',
            after_shard_num: 2,
          },
        ],
        update: [{ id, after_shard_num: 6 }],
      }),
    );
    expect(response.json().created.map((r: { status: number }) => r.status)).toEqual([201, 400]);
    expect(response.json().created[1].error_msg).toBe(
      'Parameter error. after_shard_num is for migration tasks only.',
    );
    expect(response.json().updated[0].status).toBe(200);
    expect(ok(await details(id)).json()).toMatchObject({ original_shard_num: 4, after_shard_num: 6 });
  });

  it('answers an access-key signature as a token', async () => {
    const job = await recordMigration({ after_shard_num: 3 });
    const { url, headers } = sdkSign(
      { method: 'GET', path: detailsUrl(job.id), headers: { 'X-Project-Id': PROJECT_A } },
      ALICE_KEY,
      server.clock.now(),
    );
    expect(ok(await server.app.inject({ url, headers })).body).toBe(ok(await details(job.id)).body);
  });
});

describe('refusals', () => {
  it('refuses details on a task that is not a shard migration, recording nothing', async () => {
    const response = await internal(server, 'POST', '/internal/v1/jobs', {
      project_id: PROJECT_A,
      name: 'CreateInstance',
      instance_id: INSTANCE,
      instance_name: 'x',
      is_exclusive: false,
    });
    expect(response.body).toBe(PARAMETER_ERROR('is_exclusive is for migration tasks only.'));
  });

  it.each([
    [{ after_shard_num: 0 }, 'after_shard_num must be an integer from 1 to 64.'],
    [{ after_shard_num: 65 }, 'after_shard_num must be an integer from 1 to 64.'],
    [{ after_shard_num: '9' }, 'after_shard_num must be an integer from 1 to 64.'],
    [{ is_exclusive: 'true' }, 'is_exclusive must be true or false.'],
    [
      { node_id_for_migrate: 'a'.repeat(65) },
      'node_id_for_migrate must be a string of at most 64 characters without control characters.',
    ],
  ])('refuses %j with 400 DBS.280001 naming the field', async (fields, detail) => {
    const job = await recordMigration();
    const response = await internal(server, 'PATCH', `/internal/v1/jobs/${job.id}`, fields);
    expect(response.body).toBe(PARAMETER_ERROR(detail));
  });

  it('refuses a data-node list that is not one', async () => {
    const job = await recordMigration();
    for (const list of [
      'n1',
      [{ dn_instance_id: 'x' }],
      [{ dn_instance_id: 'a b', dn_instance_name: 'n' }],
    ]) {
      const response = await internal(server, 'PATCH', `/internal/v1/jobs/${job.id}`, {
        after_dn_info_list: list,
      });
      expect(response.statusCode).toBe(400);
      expect(response.json().error_code).toBe('DBS.280001');
      expect(response.json().error_msg).toContain('after_dn_info_list');
    }
    expect(ok(await details(job.id)).json().after_dn_info_list).toEqual([]);
  });

  it('answers 404 DBS.300400 for any task the path does not name', async () => {
    const job = await recordMigration();
    const other = (await server.record({ name: 'CreateInstance', instance_id: INSTANCE })) as { id: string };
    for (const response of [
      await details(job.id, 'bob', INSTANCE, DATABASE, PROJECT_B),
      await details(job.id, 'alice', 'another0instance'),
      await details(job.id, 'alice', INSTANCE, 'db_other'),
      await details(other.id, 'alice', INSTANCE, DATABASE),
      await details(randomUUID()),
      await details('not-a-uuid'),
    ]) {
      expect(response.statusCode).toBe(404);
      expect(response.body).toBe(TASK_NOT_FOUND);
    }
  });

  it('answers a cleaned task with 404, and its details are gone with it', async () => {
    const job = await recordMigration({
      status: 'CancelSuccess',
      ended_at: server.clock.now() - MINUTE,
      after_shard_num: 9,
    });
    ok(await act(server, job, 'clean'), 202);
    expect((await details(job.id)).body).toBe(TASK_NOT_FOUND);
    expect(await server.store.migrationDetails(job.id)).toBeUndefined();
  });

  it('checks credentials, then the path, then the task', async () => {
    const anonymous = await server.app.inject({ url: detailsUrl(randomUUID(), 'bad instance') });
    expect([anonymous.statusCode, anonymous.json().error_code]).toEqual([401, 'APIGW.0301']);
    const badPath = await details(randomUUID(), 'alice', 'bad%20instance');
    expect(badPath.statusCode).toBe(400);
    expect(badPath.json().error_code).toBe('DBS.280001');
  });

  it('is described in the OpenAPI document as MigrateResults', async () => {
    const document = (await server.app.inject({ url: '/openapi.json' })).json();
    const route =
      document.paths['/v3/{project_id}/instances/{instance_id}/databases/{db_name}/migration/jobs/{job_id}'];
    expect(route.get.operationId).toBe('MigrateResults');
    expect(Object.keys(route.get.responses['200'].content['application/json'].schema.properties)).toEqual([
      'instance_name',
      'original_shard_num',
      'after_shard_num',
      'original_dn_info_list',
      'after_dn_info_list',
      'switch_route_is_manual',
      'auto_switch_begin_time',
      'auto_switch_end_time',
      'node_id_for_migrate',
      'is_exclusive',
    ]);
  });
});
