import Type, { type Static } from 'typebox';
import { withRule } from '../validate.js';
import { Identifier, Name } from './fields.js';

/** The rule of each switch time; a 400 names the field with it. */
export const SWITCH_TIME_RULE = 'must be a time as yyyy-mm-ddThh:mm:ss+hhmm, or ""';

const SwitchTime = () => withRule(Type.String({ maxLength: 64 }), SWITCH_TIME_RULE);

/**
 * `PUT .../migration/jobs/{job_id}/route-switch-strategy`: the switch window in the DDM time
 * format; both empty or absent means the routes are switched by hand. Unknown fields are refused,
 * so that a misspelt field cannot silently mean "manual".
 */
export const SwitchStrategyBodySchema = Type.Object(
  {
    switch_route_begin_time: Type.Optional(SwitchTime()),
    switch_route_end_time: Type.Optional(SwitchTime()),
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
