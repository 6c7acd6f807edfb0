import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ddmTime, TASK_NOT_FOUND } from '../support/api.js';
import { PROJECT_A, startTestServer, type TestServer } from '../support/harness.js';
import {
  type ActionName,
  act,
  DAILY_WINDOW,
  listedItem,
  NOT_A_MIGRATION,
  NOT_ALLOWED,
  RECORDED_WINDOW,
  recordMigration,
  stored,
} from './actions-support.js';

/**
 * Every action in every state of a migrateLogicDb task (docs/api.md, "Statuses, operations and the state machine"): the ones the task's
 * `operations` offer succeed with their documented answer and next status; every other is
 * DBS.300379. The expectations are written out here, not derived from the contract's tables.
 */

interface State {
  label: string;
  fields: Record<string, unknown>;
  /** Retry the (failed) task first, so that it offers nothing more. */
  retried?: boolean;
  operations: string[];
}

const STATES: State[] = [
  { label: 'Running', fields: { status: 'Running', progress: 40 }, operations: ['toBeCanceled'] },
  { label: 'Completed', fields: { status: 'Completed' }, operations: [] },
  {
    label: 'Failed',
    fields: { status: 'Failed', fail_reason: 'disk full' },
    operations: ['toBeCanceled', 'toBeRetried', 'toBeRolled'],
  },
  { label: 'Failed and retried', fields: { status: 'Failed' }, retried: true, operations: [] },
  { label: 'Expanding', fields: { status: 'Expanding' }, operations: [] },
  { label: 'Canceling', fields: { status: 'Canceling' }, operations: [] },
  { label: 'Rollbacking', fields: { status: 'Rollbacking' }, operations: [] },
  { label: 'RollbackSuccess', fields: { status: 'RollbackSuccess' }, operations: ['toBeCleaned'] },
  { label: 'CancelSuccess', fields: { status: 'CancelSuccess' }, operations: ['toBeCleaned'] },
  {
    label: 'ToBeSwitched with a manual strategy',
    fields: { status: 'ToBeSwitched' },
    operations: ['modifySwitchingStrategy', 'toBeSwitched', 'toBeCanceled'],
  },
  {
    label: 'ToBeSwitched with a switch window',
    fields: { status: 'ToBeSwitched', window: true },
    operations: ['modifySwitchingStrategy', 'toBeCanceled'],
  },
  { label: 'Switching', fields: { status: 'Switching' }, operations: [] },
];

const ACTIONS: { action: ActionName; operation: string }[] = [
  { action: 'cancel', operation: 'toBeCanceled' },
  { action: 'retry', operation: 'toBeRetried' },
  { action: 'rollback', operation: 'toBeRolled' },
  { action: 'clean', operation: 'toBeCleaned' },
  { action: 'route-switch', operation: 'toBeSwitched' },
  { action: 'route-switch-strategy', operation: 'modifySwitchingStrategy' },
];

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

async function taskIn(state: State) {
  const { window, ...fields } = state.fields;
  const job = await recordMigration(server, {
    ...fields,
    ...(window ? RECORDED_WINDOW : {}),
  });
  if (state.retried) expect((await act(server, job, 'retry')).statusCode).toBe(202);
  return job;
}

const strategyBody = () => DAILY_WINDOW;

describe.each(STATES)('a migrateLogicDb task $label', (state) => {
  it(`lists operations ${JSON.stringify(state.operations)}`, async () => {
    const job = await taskIn(state);
    expect((await listedItem(server, job))?.operations).toEqual(state.operations);
  });

  it.each(ACTIONS)('$action: allowed exactly when $operation is offered', async ({ action, operation }) => {
    const job = await taskIn(state);
    const before = await stored(server, job.id);
    const response = await act(server, job, action, {
      ...(action === 'route-switch-strategy' ? { payload: strategyBody() } : {}),
    });
    if (!state.operations.includes(operation)) {
      expect(response.statusCode).toBe(400);
      expect(response.body).toBe(NOT_ALLOWED(before.status as string));
      expect((await stored(server, job.id)).version).toBe(before.version);
      return;
    }
    const item = await listedItem(server, job);
    const created = ddmTime(job.created_at);
    switch (action) {
      case 'cancel':
      case 'rollback':
      case 'route-switch': {
        expect(response.statusCode).toBe(action === 'route-switch' ? 200 : 202);
        expect(response.body).toBe(action === 'route-switch' ? '{}' : JSON.stringify({ job_id: job.id }));
        const status = { cancel: 'Canceling', rollback: 'Rollbacking', 'route-switch': 'Switching' }[action];
        // Executing again: progress from 0, unfinished (end_time is the creation time), no operations.
        expect(item).toMatchObject({
          status,
          process: '0%',
          end_time: created,
          operations: [],
          fail_reason: '',
        });
        const shown = await server.app.inject({
          url: `/v3/${PROJECT_A}/jobs/${job.id}`,
          headers: { 'x-auth-token': await server.tokenFor('alice') },
        });
        expect(shown.json().job).toMatchObject({ status, process: '0%', end_time: created });
        break;
      }
      case 'retry': {
        expect(response.statusCode).toBe(202);
        const retryId = response.json().job_id as string;
        expect(response.body).toBe(JSON.stringify({ job_id: retryId }));
        expect(retryId).not.toBe(job.id);
        expect(item).toMatchObject({ status: 'Failed', operations: [] });
        expect((await stored(server, job.id)).retried_by).toBe(retryId);
        const now = server.clock.now();
        expect(await listedItem(server, { id: retryId, created_at: now })).toEqual({
          id: retryId,
          name: 'retryMigrateLogicDb',
          status: 'Running',
          created_time: ddmTime(now),
          end_time: ddmTime(now),
          process: '0%',
          instance_name: 'ddm-test',
          instance_id: 'inst0001',
          operations: ['toBeCanceled'],
          database_name: 'db_e487',
          fail_reason: '',
        });
        break;
      }
      case 'clean': {
        expect(response.statusCode).toBe(202);
        expect(response.body).toBe(JSON.stringify({ job_id: job.id }));
        expect(item).toBeUndefined();
        const shown = await server.app.inject({
          url: `/v3/${PROJECT_A}/jobs/${job.id}`,
          headers: { 'x-auth-token': await server.tokenFor('alice') },
        });
        expect(shown.statusCode).toBe(404);
        expect(shown.body).toBe(TASK_NOT_FOUND);
        break;
      }
      case 'route-switch-strategy': {
        expect(response.statusCode).toBe(200);
        expect(response.body).toBe('{}');
        expect(item).toMatchObject({
          status: 'ToBeSwitched',
          operations: ['modifySwitchingStrategy', 'toBeCanceled'],
        });
        expect(await stored(server, job.id)).toMatchObject({
          ...DAILY_WINDOW,
          version: (before.version as number) + 1,
        });
        break;
      }
    }
  });
});

describe('a task that is not a shard migration', () => {
  it.each(ACTIONS)('refuses $action with DBS.300379 in every status it can be in', async ({ action }) => {
    for (const status of ['Running', 'Completed', 'Failed']) {
      const job = await recordMigration(server, { name: 'CreateInstance', status, database_name: '' });
      const response = await act(server, job, action, {
        ...(action === 'route-switch-strategy' ? { payload: strategyBody() } : {}),
      });
      expect(response.statusCode).toBe(400);
      expect(response.body).toBe(NOT_A_MIGRATION('a CreateInstance task'));
      expect((await listedItem(server, job))?.operations).toEqual([]);
    }
  });

  it('refuses an action on an EnlargeNode task that names its database, too', async () => {
    const job = await recordMigration(server, { name: 'EnlargeNode', status: 'Expanding' });
    const response = await act(server, job, 'cancel');
    expect(response.statusCode).toBe(400);
    expect(response.body).toBe(NOT_A_MIGRATION('an EnlargeNode task'));
  });
});
