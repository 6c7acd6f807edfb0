/** Checking what a tenant's action carries: the path's instance and database, and its body. */

import { type DailyWindow, MIN_SWITCH_WINDOW_SECONDS, parseDailyTime } from './daily-time.js';
import type { ErrorName } from './errors.js';
import {
  type MigrationPath,
  MigrationPathSchema,
  type SwitchStrategyBody,
  SwitchStrategySdkFields,
  sameAsPath,
} from './schemas/actions.js';
import { Type } from './typebox.js';
import { createValidator } from './validate.js';

export type ActionParseResult<T> =
  | { ok: true; value: T }
  | { ok: false; error: Extract<ErrorName, 'parameter' | 'invalidTimeRange'>; detail: string };

const validatePath = createValidator<MigrationPath>(MigrationPathSchema);

/** Checks the instance and database an action's path names: DBS.280001 naming the first at fault. */
export function checkMigrationPath(path: MigrationPath): ActionParseResult<MigrationPath> {
  const checked = validatePath({ instance_id: path.instance_id, db_name: path.db_name });
  return checked.ok ? checked : { ok: false, error: 'parameter', detail: checked.detail };
}

const NOT_AN_OBJECT = 'The body must be a JSON object.';

const isPlainObject = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The body of an action that takes none: absent, empty or a JSON object (whose fields are
 * ignored, as SDKs may send `{}`); an array, a string, a number or null is refused.
 */
export function checkIgnoredBody(body: unknown): ActionParseResult<undefined> {
  if (body === undefined || isPlainObject(body)) return { ok: true, value: undefined };
  return { ok: false, error: 'parameter', detail: NOT_AN_OBJECT };
}

/** The switch window a strategy sets: daily, or null for switching by hand. */
export type SwitchWindow = DailyWindow | null;

/** What an action's path names, which the SDK's extra body fields must repeat. */
export interface StrategyPath {
  projectId: string;
  instanceId: string;
  jobId: string;
  databaseName: string;
}

const FORMAT_HINT = 'The format of the time range for route switching is HH:mm:ss.';
const RULE_HINT = 'The start time and end time are the same day and the interval is at least 1 hour.';

// The times are checked by hand (any value that is not HH:mm:ss is DBS.300377, as the cloud
// answers), so the validator only takes the set of fields and the SDK fields' types.
type CheckedStrategy = Omit<SwitchStrategyBody, 'switch_route_begin_time' | 'switch_route_end_time'> & {
  switch_route_begin_time?: unknown;
  switch_route_end_time?: unknown;
};
const validateStrategy = createValidator<CheckedStrategy>(
  Type.Object(
    {
      switch_route_begin_time: Type.Optional(Type.Unknown()),
      switch_route_end_time: Type.Optional(Type.Unknown()),
      ...SwitchStrategySdkFields,
    },
    { additionalProperties: false },
  ),
);

/** The SDK's extra fields each equal the path's value (the task id in any case), or name the first that does not. */
function contradiction(body: CheckedStrategy, path: StrategyPath): string | undefined {
  const expected: [string, string | undefined, string, string][] = [
    ['project_id', body.project_id, path.projectId, 'project_id'],
    ['instance_id', body.instance_id, path.instanceId, 'instance_id'],
    ['task_id', body.task_id?.toLowerCase(), path.jobId.toLowerCase(), 'job_id'],
    ['logic_db_name', body.logic_db_name, path.databaseName, 'db_name'],
  ];
  const wrong = expected.find(([, sent, wanted]) => sent !== undefined && sent !== wanted);
  return wrong && `${wrong[0]} ${sameAsPath(wrong[3])}.`;
}

/**
 * Parses a route-switch-strategy body (docs/api.md, "Actions on shard-migration tasks"). Both
 * times empty or absent: manual (null). An unknown field, or an SDK field of another type or
 * contradicting the path: DBS.280001 naming it. A time that is not `HH:mm:ss`: DBS.300377 with
 * the cloud's format hint; only one time: DBS.280001 naming the missing one; begin and end not on
 * one day at least 60 minutes apart: DBS.300377 with the cloud's interval hint.
 *
 * @example parseSwitchStrategy({ switch_route_begin_time: '17:00:00', switch_route_end_time: '18:00:00' }, path)
 *   // { ok: true, value: { begin: 61200, end: 64800 } }
 */
export function parseSwitchStrategy(body: unknown, path: StrategyPath): ActionParseResult<SwitchWindow> {
  if (body === undefined) return { ok: false, error: 'parameter', detail: NOT_AN_OBJECT };
  const checked = validateStrategy(body);
  if (!checked.ok) return { ok: false, error: 'parameter', detail: checked.detail };
  const parameter = (detail: string) => ({ ok: false as const, error: 'parameter' as const, detail });
  const range = (detail: string) => ({ ok: false as const, error: 'invalidTimeRange' as const, detail });
  const wrong = contradiction(checked.value, path);
  if (wrong) return parameter(wrong);
  // Absent counts as "", as the cloud's SDKs leave unset fields out; null is a time in no format.
  const { switch_route_begin_time: beginText = '', switch_route_end_time: endText = '' } = checked.value;
  if (beginText === '' && endText === '') return { ok: true, value: null };
  const begin = beginText === '' ? undefined : parseDailyTime(beginText);
  const end = endText === '' ? undefined : parseDailyTime(endText);
  if ((beginText !== '' && begin === undefined) || (endText !== '' && end === undefined))
    return range(FORMAT_HINT);
  if (begin === undefined)
    return parameter('switch_route_begin_time is required with switch_route_end_time.');
  if (end === undefined) return parameter('switch_route_end_time is required with switch_route_begin_time.');
  if (end - begin < MIN_SWITCH_WINDOW_SECONDS) return range(RULE_HINT);
  return { ok: true, value: { begin, end } };
}
