import { DAILY_TIME_PATTERN } from '../daily-time.js';
import { type Static, Type } from '../typebox.js';
import { withRule } from '../validate.js';
import { Identifier, Name } from './fields.js';

/** The rule of each switch time, in the OpenAPI document; a break is DBS.300377. */
export const SWITCH_TIME_RULE = 'must be a daily time HH:mm:ss (in the server\'s time zone), or ""';

const SwitchTime = () =>
  withRule(Type.String({ pattern: `^(?:${DAILY_TIME_PATTERN.slice(1, -1)})?$` }), SWITCH_TIME_RULE);

/** The rule of an SDK field that repeats the path: the 400 for another type or another value. */
export const sameAsPath = (segment: string) => `must be a string equal to the path's ${segment}`;

/**
 * The fields the official SDK's body model (ChangeStrategy's `MigrateRouteSwitchReqVO`) may carry
 * beside the window, which the cloud's page does not document: accepted when they agree with the
 * path, refused (DBS.280001 naming the field) when they contradict it.
 */
export const SwitchStrategySdkFields = {
  project_id: Type.Optional(withRule(Type.String(), sameAsPath('project_id'))),
  instance_id: Type.Optional(withRule(Type.String(), sameAsPath('instance_id'))),
  task_id: Type.Optional(withRule(Type.String(), sameAsPath('job_id'))),
  logic_db_name: Type.Optional(withRule(Type.String(), sameAsPath('db_name'))),
  is_open_api: Type.Optional(withRule(Type.Boolean(), 'must be true or false')),
};

/**
 * `PUT .../migration/jobs/{job_id}/route-switch-strategy`: the daily switch window; both empty or
 * absent means the routes are switched by hand. Other unknown fields are refused, so that a
 * misspelt field cannot silently mean "manual".
 */
export const SwitchStrategyBodySchema = Type.Object(
  {
    switch_route_begin_time: Type.Optional(SwitchTime()),
    switch_route_end_time: Type.Optional(SwitchTime()),
    ...SwitchStrategySdkFields,
  },
  { additionalProperties: false },
);
export type SwitchStrategyBody = Static<typeof SwitchStrategyBodySchema>;

/** What cancel, retry, rollback and clean answer (202): the task the action set moving. */
export const ActionJobResponseSchema = Type.Object(
  {
    job_id: Type.String({
      description: 'The task acted on; for retry, the new retryMigrateLogicDb task',
    }),
  },
  { additionalProperties: false },
);
export type ActionJobResponse = Static<typeof ActionJobResponseSchema>;

/** What route-switch and route-switch-strategy answer (200): `{}`. */
export const EmptyResponseSchema = Type.Object({}, { additionalProperties: false });

/**
 * The path parameters an action checks itself: the project is checked by authentication (403),
 * and a job id of any other shape is simply not found (404), as on the show route.
 */
export const MigrationPathSchema = Type.Object({
  instance_id: Identifier(),
  db_name: Name(128),
});
export type MigrationPath = Static<typeof MigrationPathSchema>;
