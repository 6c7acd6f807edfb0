import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/harness.js';

/** The OpenAPI document describes the six tenant actions with the official SDKs' names. */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const BASE = '/v3/{project_id}/instances/{instance_id}/databases/{db_name}/migration/jobs/{job_id}';

describe('the OpenAPI document', () => {
  it.each([
    ['cancel', 'CancelMigration', '202'],
    ['retry', 'RetryMigration', '202'],
    ['rollback', 'RollbackMigration', '202'],
    ['clean', 'CleanMigration', '202'],
    ['route-switch', 'SwitchRoute', '200'],
    ['route-switch-strategy', 'ChangeStrategy', '200'],
  ])('describes PUT .../%s as %s answering %s', async (action, operationId, success) => {
    const document = (await server.app.inject({ url: '/openapi.json' })).json();
    const put = document.paths[`${BASE}/${action}`]?.put;
    expect(put?.operationId).toBe(operationId);
    expect(put.parameters.map((p: { name: string }) => p.name)).toEqual([
      'project_id',
      'instance_id',
      'db_name',
      'job_id',
    ]);
    expect(Object.keys(put.responses).sort()).toEqual([success, '400', '401', '403', '404', '500'].sort());
    expect(put.responses['400'].description).toContain('DBS.300379');
    const bodyProperties = put.requestBody.content['application/json'].schema.properties;
    if (action === 'route-switch-strategy') {
      expect(put.requestBody.required).toBe(true);
      expect(Object.keys(bodyProperties)).toEqual([
        'switch_route_begin_time',
        'switch_route_end_time',
        'project_id',
        'instance_id',
        'task_id',
        'logic_db_name',
        'is_open_api',
      ]);
      // A daily time HH:mm:ss, or "" for manual.
      const time = new RegExp(bodyProperties.switch_route_begin_time.pattern);
      expect(['17:00:00', '', '23:59:59'].every((text) => time.test(text))).toBe(true);
      expect(['24:00:00', '17:00', '2026-11-29T02:00:00+0000'].some((text) => time.test(text))).toBe(false);
      expect(put.responses['400'].description).toContain('DBS.300377');
    } else {
      expect(put.requestBody.required).toBe(false);
    }
  });
});
