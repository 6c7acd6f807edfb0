import { LOG_LEVELS, LOG_LINES_MAX, LOG_MESSAGE_MAX } from '../run-logs.js';
import { type Static, Type } from '../typebox.js';

const Level = Type.Enum([...LOG_LEVELS], { description: 'INFO, WARNING or ERROR' });

/** One line of a task's run log, as the run-logs route, the feed and the tenant stream show it. */
export const RunLogItemSchema = Type.Object(
  {
    task_id: Type.String({ description: 'The task, a UUID' }),
    ddm_instance_id: Type.String({ description: "The task's DDM instance ID" }),
    level: Level,
    created_time: Type.Integer({
      description: 'When the line was written, epoch milliseconds (server clock)',
    }),
    message: Type.String(),
  },
  { additionalProperties: false },
);
export type RunLogItem = Static<typeof RunLogItemSchema>;

/** `GET /v3/{project_id}/instance/{instance_id}/task/{task_id}/run-logs` (ShowMigrationLog). */
export const RunLogsResponseSchema = Type.Object(
  {
    task_logs: Type.Array(RunLogItemSchema, { description: 'Newest first' }),
    cur_page: Type.Integer({ description: 'offset / limit + 1, rounded down' }),
    per_page: Type.Integer({ description: 'The effective limit' }),
    total: Type.Integer({ description: "The task's lines, whatever offset and limit" }),
  },
  { additionalProperties: false },
);
export type RunLogsResponse = Static<typeof RunLogsResponseSchema>;

/** `POST /internal/v1/jobs/{job_id}/logs`: a producer appends lines to a task's run log. */
export const AppendLogsBodySchema = Type.Object(
  {
    logs: Type.Array(
      Type.Object(
        {
          level: Level,
          message: Type.String({
            minLength: 1,
            maxLength: LOG_MESSAGE_MAX,
            description: `1 to ${LOG_MESSAGE_MAX} characters without control characters`,
          }),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: LOG_LINES_MAX },
    ),
  },
  { additionalProperties: false },
);

/** What the logs route answers (201): how many lines were appended. */
export const AppendLogsResponseSchema = Type.Object(
  { appended: Type.Integer({ description: 'Lines appended' }) },
  { additionalProperties: false },
);
export type AppendLogsResponse = Static<typeof AppendLogsResponseSchema>;
