/** Checking what a tenant's action carries: the path's instance and database, and its body. */
import type { ErrorName } from './errors.js';
import {
  type MigrationPath,
  MigrationPathSchema,
  SWITCH_TIME_RULE,
  type SwitchStrategyBody,
  SwitchStrategyBodySchema,
} from './schemas/actions.js';
import { parseDdmTime } from './time-format.js';
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

/** A switch window in epoch milliseconds; both null when routes are switched by hand. */
export interface SwitchWindow {
  begin: number | null;
  end: number | null;
}

const validateStrategy = createValidator<SwitchStrategyBody>(SwitchStrategyBodySchema);

/**
 * Parses a route-switch-strategy body. Both times empty or absent: manual. Only one given, or a
 * time not in the DDM format: DBS.280001 naming the field. A window whose end is not after its
 * begin, or that has already ended at `nowMs` (it could never open): DBS.300377.
 *
 * @example parseSwitchStrategy({ switch_route_begin_time: '2025-05-22T02:00:00+0000',
 *   switch_route_end_time: '2025-05-22T04:00:00+0000' }, now) // { ok: true, value: { begin, end } }
 */
export function parseSwitchStrategy(body: unknown, nowMs: number): ActionParseResult<SwitchWindow> {
  if (body === undefined) return { ok: false, error: 'parameter', detail: NOT_AN_OBJECT };
  const checked = validateStrategy(body);
  if (!checked.ok) return { ok: false, error: 'parameter', detail: checked.detail };
  const beginText = checked.value.switch_route_begin_time ?? '';
  const endText = checked.value.switch_route_end_time ?? '';
  if (beginText === '' && endText === '') return { ok: true, value: { begin: null, end: null } };
  const parameter = (detail: string) => ({ ok: false as const, error: 'parameter' as const, detail });
  if (beginText === '') return parameter('switch_route_begin_time is required with switch_route_end_time.');
  if (endText === '') return parameter('switch_route_end_time is required with switch_route_begin_time.');
  const begin = parseDdmTime(beginText);
  if (begin === undefined) return parameter(`switch_route_begin_time ${SWITCH_TIME_RULE}.`);
  const end = parseDdmTime(endText);
  if (end === undefined) return parameter(`switch_route_end_time ${SWITCH_TIME_RULE}.`);
  const range = (detail: string) => ({ ok: false as const, error: 'invalidTimeRange' as const, detail });
  if (end <= begin) return range('switch_route_end_time must be after switch_route_begin_time.');
  if (end <= nowMs) return range('switch_route_end_time must lie in the future.');
  return { ok: true, value: { begin, end } };
}
