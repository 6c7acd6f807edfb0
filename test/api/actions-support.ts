import { randomUUID } from 'node:crypto';
import { type Answer, ddmErrorText, internal } from '../support/api.js';
import { PROJECT_A, type TestServer } from '../support/harness.js';

/** Helpers of the tenant-action suites (`actions-*.test.ts`); expected bodies are written out. */

export const INSTANCE = 'inst0001';
export const DATABASE = 'db_e487';

/** DBS.300379: the cloud's message, then the status that refuses the action. */
export const NOT_ALLOWED = (status: string) =>
  ddmErrorText('DBS.300379', `The operation is not allowed for this type of tasks. (the task is ${status})`);
/** DBS.300379 for a task that is not a shard migration, named with its article ("an EnlargeNode task"). */
export const NOT_A_MIGRATION = (task: string) =>
  ddmErrorText(
    'DBS.300379',
    `The operation is not allowed for this type of tasks. (${task} takes no actions)`,
  );
export const INVALID_RANGE = (detail: string) => ddmErrorText('DBS.300377', `Invalid time range. ${detail}`);

export type ActionName = 'cancel' | 'retry' | 'rollback' | 'clean' | 'route-switch' | 'route-switch-strategy';

export interface Target {
  id: string;
  projectId?: string;
  instanceId?: string;
  database?: string;
}

export const actionPath = (target: Target, action: string) =>
  `/v3/${target.projectId ?? PROJECT_A}/instances/${target.instanceId ?? INSTANCE}/databases/` +
  `${target.database ?? DATABASE}/migration/jobs/${target.id}/${action}`;

/** A PUT of an action as a fixture user; `payload` as given (a string is sent as JSON text). */
export async function act(
  server: TestServer,
  target: Target,
  action: string,
  options: { user?: string; payload?: unknown; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const headers: Record<string, string> = {
    'x-auth-token': await server.tokenFor(options.user ?? 'alice'),
    ...options.headers,
  };
  if (typeof options.payload === 'string' && !('content-type' in headers))
    headers['content-type'] = 'application/json';
  return server.app.inject({
    method: 'PUT',
    url: actionPath(target, action),
    headers,
    ...(options.payload === undefined ? {} : { payload: options.payload as string | object }),
  });
}

let sequence = 0;

/**
 * Records a migration task through the internal API, each with its own creation second (an hour
 * back and onward), so that a list window of that one instant finds it alone.
 */
export async function recordMigration(
  server: TestServer,
  fields: Record<string, unknown> = {},
): Promise<{ id: string; created_at: number; [field: string]: unknown }> {
  sequence += 1;
  return server.record({
    id: randomUUID(),
    name: 'migrateLogicDb',
    database_name: DATABASE,
    created_at: server.clock.now() - 3_600_000 + sequence * 1000,
    ...fields,
  }) as Promise<{ id: string; created_at: number }>;
}

/** The task as the list shows it (a window of its creation instant), or undefined when not listed. */
export async function listedItem(
  server: TestServer,
  job: { id: string; created_at: number },
  user = 'alice',
): Promise<Record<string, unknown> | undefined> {
  const response = await server.app.inject({
    url: `/v3/${PROJECT_A}/jobs?start_time=${job.created_at}&end_time=${job.created_at}&limit=128`,
    headers: { 'x-auth-token': await server.tokenFor(user) },
  });
  if (response.statusCode !== 200) throw new Error(`list: ${response.statusCode} ${response.body}`);
  return response.json().jobs.find((item: { id: string }) => item.id === job.id);
}

/** The task as stored (epoch times, version), through the producer's API. */
export async function stored(server: TestServer, id: string): Promise<Record<string, unknown>> {
  const response = await internal(server, 'GET', `/internal/v1/jobs/${id}`);
  if (response.statusCode !== 200) throw new Error(`stored: ${response.statusCode} ${response.body}`);
  return response.json().job;
}

/** A daily switch window as a tenant sets it (HH:mm:ss, one day, at least 60 minutes). */
export const DAILY_WINDOW = { switch_route_begin_time: '17:00:00', switch_route_end_time: '18:00:00' };

/** A daily switch window as a producer records it with a task. */
export const RECORDED_WINDOW = { switch_route_begin_time: '02:00:00', switch_route_end_time: '04:00:00' };
