import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayBodyFor, PARAMETER_ERROR, TASK_NOT_FOUND } from '../support/api.js';
import { PROJECT_A, PROJECT_B, startTestServer, type TestServer } from '../support/harness.js';
import { act, actionPath, NOT_ALLOWED, recordMigration, stored } from './actions-support.js';

/** Who may act on which task, and what the path and body of an action may be. */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const ACTIONS = ['cancel', 'retry', 'rollback', 'clean', 'route-switch', 'route-switch-strategy'];

describe('the task the path names', () => {
  it.each(ACTIONS)('%s on a task of another instance or database is 404 DBS.300400', async (action) => {
    const job = await recordMigration(server, { status: 'Failed' });
    for (const path of [{ instanceId: 'inst0002' }, { database: 'db_other' }, { database: 'DB_E487' }]) {
      const response = await act(server, { id: job.id, ...path }, action, { payload: {} });
      expect(response.statusCode).toBe(404);
      expect(response.body).toBe(TASK_NOT_FOUND);
    }
    expect((await stored(server, job.id)).version).toBe(1);
  });

  it.each(ACTIONS)(
    '%s on another project’s task is 404 DBS.300400, whichever project the path names',
    async (action) => {
      const theirs = await recordMigration(server, { project_id: PROJECT_B, status: 'Failed' });
      const viaOwnProject = await act(server, theirs, action, { payload: {} });
      expect(viaOwnProject.statusCode).toBe(404);
      expect(viaOwnProject.body).toBe(TASK_NOT_FOUND);
      // Bob's own task, named under alice's project by bob: his credentials are not for project A.
      const bob = await act(server, { ...theirs, projectId: PROJECT_A }, action, {
        user: 'bob',
        payload: {},
      });
      expect(bob.statusCode).toBe(403);
      expect((await stored(server, theirs.id)).version).toBe(1);
    },
  );

  it('is 404 DBS.300400 for an unknown task and for a job id that is not a UUID', async () => {
    for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid', 'ZZZ']) {
      const response = await act(server, { id }, 'cancel');
      expect(response.statusCode).toBe(404);
      expect(response.body).toBe(TASK_NOT_FOUND);
    }
  });

  it('matches the job id case-insensitively', async () => {
    const job = await recordMigration(server, { status: 'Running' });
    const response = await act(server, { id: job.id.toUpperCase() }, 'cancel');
    expect(response.statusCode).toBe(202);
    expect(response.body).toBe(JSON.stringify({ job_id: job.id }));
  });

  it('refuses an instance id or database name of the wrong shape with DBS.280001', async () => {
    const job = await recordMigration(server, { status: 'Running' });
    const badInstance = await act(server, { id: job.id, instanceId: `${'i'.repeat(65)}` }, 'cancel');
    expect(badInstance.statusCode).toBe(400);
    expect(badInstance.body).toBe(
      PARAMETER_ERROR('instance_id must be 1 to 64 letters, digits, "_" or "-".'),
    );
    const badDatabase = await act(server, { id: job.id, database: 'db%01x' }, 'cancel');
    expect(badDatabase.statusCode).toBe(400);
    expect(badDatabase.body).toBe(
      PARAMETER_ERROR('db_name must be a string of 1 to 128 characters without control characters.'),
    );
    expect((await stored(server, job.id)).version).toBe(1);
  });

  it('finds a database whose name needs escaping in the path', async () => {
    const job = await recordMigration(server, { status: 'Running', database_name: 'sales db/2025' });
    const response = await act(
      server,
      { id: job.id, database: encodeURIComponent('sales db/2025') },
      'cancel',
    );
    expect(response.statusCode).toBe(202);
  });
});

describe('credentials', () => {
  it.each(ACTIONS)(
    '%s without credentials is 401 APIGW.0301, before any check of the path or body',
    async (action) => {
      const job = await recordMigration(server, { status: 'Failed' });
      const response = await server.app.inject({
        method: 'PUT',
        url: actionPath({ id: job.id, instanceId: '!bad!' }, action),
        headers: { 'content-type': 'application/json' },
        payload: '[not json',
      });
      expect(response.statusCode).toBe(401);
      expect(response.body).toBe(gatewayBodyFor(response, 'tokenMissing'));
      expect((await stored(server, job.id)).version).toBe(1);
    },
  );

  it.each(ACTIONS)('%s by bob on project A is 403 APIGW.0302', async (action) => {
    const job = await recordMigration(server, { status: 'Failed' });
    const response = await act(server, job, action, { user: 'bob', payload: {} });
    expect(response.statusCode).toBe(403);
    expect(response.body).toBe(gatewayBodyFor(response, 'notAuthorized'));
    expect((await stored(server, job.id)).version).toBe(1);
  });

  it('refuses an X-Project-Id naming another project with 403', async () => {
    const job = await recordMigration(server, { status: 'Running' });
    const response = await act(server, job, 'cancel', { headers: { 'x-project-id': PROJECT_B } });
    expect(response.statusCode).toBe(403);
  });

  // `service` is the internal API's role, not an action role (action-roles.test.ts).
  it('a worker (role service on project A) may not act as a tenant of project A: 403', async () => {
    const job = await recordMigration(server, { status: 'Running' });
    expect((await act(server, job, 'cancel', { user: 'worker' })).statusCode).toBe(403);
    expect((await stored(server, job.id)).version).toBe(1);
  });
});

describe('bodies of the actions that take none', () => {
  const accepted: [string, { payload?: unknown; headers?: Record<string, string> }][] = [
    ['no body', {}],
    ['an empty body sent as JSON', { payload: '' }],
    ['an empty JSON object', { payload: {} }],
    ['a JSON object with fields, which are ignored', { payload: { job_id: 'whatever', force: true } }],
  ];
  it.each(accepted)('accepts %s', async (_label, options) => {
    const job = await recordMigration(server, { status: 'Running' });
    const response = await act(server, job, 'cancel', options);
    expect(response.statusCode).toBe(202);
    expect(response.body).toBe(JSON.stringify({ job_id: job.id }));
  });

  const refused: [string, unknown, string][] = [
    ['an array', '[]', PARAMETER_ERROR('The body must be a JSON object.')],
    ['null', 'null', PARAMETER_ERROR('The body must be a JSON object.')],
    ['a number', '42', PARAMETER_ERROR('The body must be a JSON object.')],
    ['a string', '"cancel"', PARAMETER_ERROR('The body must be a JSON object.')],
    ['JSON that does not parse', '{"a":', PARAMETER_ERROR('The body is not valid JSON.')],
    ['white space only', '  ', PARAMETER_ERROR('The body is not valid JSON.')],
  ];
  it.each(refused)('refuses %s with DBS.280001 and changes nothing', async (_label, payload, expected) => {
    for (const action of ['cancel', 'route-switch']) {
      const job = await recordMigration(server, { status: 'ToBeSwitched' });
      const response = await act(server, job, action, { payload });
      expect(response.statusCode).toBe(400);
      expect(response.body).toBe(expected);
      expect((await stored(server, job.id)).version).toBe(1);
    }
  });

  it('refuses a body that is not JSON with 415 APIGW.0203', async () => {
    const job = await recordMigration(server, { status: 'Running' });
    const response = await act(server, job, 'cancel', {
      payload: 'please',
      headers: { 'content-type': 'text/plain' },
    });
    expect(response.statusCode).toBe(415);
    expect(response.json().error_code).toBe('APIGW.0203');
  });

  it('checks the task’s status after the body: a bad body on a finished task is still DBS.280001', async () => {
    const job = await recordMigration(server, { status: 'Completed' });
    expect((await act(server, job, 'cancel', { payload: '[]' })).body).toBe(
      PARAMETER_ERROR('The body must be a JSON object.'),
    );
    expect((await act(server, job, 'cancel')).body).toBe(NOT_ALLOWED('Completed'));
  });
});

describe('methods', () => {
  it('answers another method on an action path with 405 and Allow: PUT', async () => {
    const job = await recordMigration(server, { status: 'Running' });
    const response = await server.app.inject({
      method: 'POST',
      url: actionPath(job, 'cancel'),
      headers: { 'x-auth-token': await server.tokenFor('alice') },
    });
    expect(response.statusCode).toBe(405);
    expect(response.headers.allow).toBe('PUT');
  });

  it('answers an unknown action with 404 APIGW.0101', async () => {
    const job = await recordMigration(server, { status: 'Running' });
    const response = await act(server, job, 'pause');
    expect(response.statusCode).toBe(404);
    expect(response.body).toBe(gatewayBodyFor(response, 'noSuchApi'));
  });
});
