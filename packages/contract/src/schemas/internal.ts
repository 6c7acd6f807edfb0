import { DAILY_TIME_PATTERN } from '../daily-time.js';
import { type Static, Type } from '../typebox.js';
import { withRule } from '../validate.js';
import { Identifier, Name, Text } from './fields.js';
import { JobStatusSchema } from './jobs.js';
import { migrationDetailFields } from './migration-details.js';

const EpochMs = (rule: string) =>
  withRule(Type.Integer({ minimum: 0, maximum: 8_640_000_000_000_000 }), rule);

/** A daily time `HH:mm:ss` (a switch window's begin or end). */
const DailyTime = (rule: string) => withRule(Type.String({ pattern: DAILY_TIME_PATTERN }), rule);

export const UUID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

const Progress = withRule(Type.Integer({ minimum: 0, maximum: 100 }), 'must be an integer from 0 to 100');
const FailReason = Text(1024);
const Status = withRule(JobStatusSchema, 'must be one of the documented task statuses');

/** `POST /internal/v1/jobs`: a producer records a task. */
export const CreateJobBodySchema = Type.Object(
  {
    id: Type.Optional(withRule(Type.String({ pattern: UUID_PATTERN }), 'must be a UUID')),
    project_id: Identifier(),
    name: withRule(
      Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_.-]{0,63}$' }),
      'must be 1 to 64 letters, digits, ".", "_" or "-", starting with a letter',
    ),
    instance_id: Identifier(),
    instance_name: Name(128),
    database_name: Type.Optional(Text(128)),
    status: Type.Optional(Status),
    progress: Type.Optional(Progress),
    fail_reason: Type.Optional(FailReason),
    created_at: Type.Optional(EpochMs('must be epoch milliseconds, not in the future')),
    ended_at: Type.Optional(
      EpochMs('must be epoch milliseconds, given only with a finished status, not before created_at'),
    ),
    switch_route_begin_time: Type.Optional(
      DailyTime('must be a daily time HH:mm:ss, given with switch_route_end_time, for migration tasks only'),
    ),
    switch_route_end_time: Type.Optional(
      DailyTime(
        'must be a daily time HH:mm:ss, given with switch_route_begin_time, for migration tasks only',
      ),
    ),
    // Migration tasks only: what the shard-configuration details show (docs/api.md).
    ...migrationDetailFields,
  },
  { additionalProperties: false },
);
export type CreateJobBody = Static<typeof CreateJobBodySchema>;

const reportFields = {
  status: Type.Optional(Status),
  progress: Type.Optional(Progress),
  fail_reason: Type.Optional(FailReason),
  if_version: Type.Optional(withRule(Type.Integer({ minimum: 1 }), 'must be a positive integer')),
  ...migrationDetailFields,
};

/** `PATCH /internal/v1/jobs/{job_id}`: a producer reports progress or a new status. */
export const PatchJobBodySchema = Type.Object(reportFields, { additionalProperties: false });
export type PatchJobBody = Static<typeof PatchJobBodySchema>;

/** Items of one `POST /internal/v1/jobs/batch` at most, creations and reports together. */
export const BATCH_MAX_ITEMS = 1000;

/** A report in a batch: the task's id and what `PATCH /internal/v1/jobs/{job_id}` takes. */
export const BatchReportSchema = Type.Object(
  { id: withRule(Type.String({ pattern: UUID_PATTERN }), 'must be a UUID'), ...reportFields },
  { additionalProperties: false },
);
export type BatchReport = Static<typeof BatchReportSchema>;

/**
 * `POST /internal/v1/jobs/batch`: tasks to record and reports, as the single routes take them.
 * Each item is checked on its own (a bad one is refused alone); this schema describes them.
 */
export const BatchJobsBodySchema = Type.Object(
  {
    create: Type.Optional(Type.Array(CreateJobBodySchema, { description: 'Tasks to record' })),
    update: Type.Optional(Type.Array(BatchReportSchema, { description: 'Reports on tasks' })),
  },
  { additionalProperties: false, description: `At most ${BATCH_MAX_ITEMS} items, both lists together` },
);

/** The outcome of one item of a batch: the task's id and version, or the item's own error. */
export const BatchItemResultSchema = Type.Object(
  {
    status: Type.Integer({
      description:
        '201 recorded, 200 recorded before with the same content or reported, else the error status',
    }),
    id: Type.Optional(Type.String()),
    version: Type.Optional(Type.Integer()),
    error_code: Type.Optional(Type.String()),
    error_msg: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type BatchItemResult = Static<typeof BatchItemResultSchema>;

/** One result per item, in the order of the request's lists. */
export const BatchJobsResponseSchema = Type.Object(
  { created: Type.Array(BatchItemResultSchema), updated: Type.Array(BatchItemResultSchema) },
  { additionalProperties: false },
);
export type BatchJobsResponse = Static<typeof BatchJobsResponseSchema>;

const NullableEpoch = Type.Union([Type.Integer(), Type.Null()]);
const NullableDailyTime = Type.Union([Type.String({ pattern: DAILY_TIME_PATTERN }), Type.Null()], {
  description:
    "A time of the daily switch window, HH:mm:ss in the server's time zone; null when switched by hand",
});

/** A task as the internal API shows it to producers: every stored field, times in epoch ms. */
export const InternalJobSchema = Type.Object(
  {
    id: Type.String(),
    project_id: Type.String(),
    name: Type.String(),
    status: JobStatusSchema,
    progress: Type.Integer(),
    fail_reason: Type.String(),
    instance_id: Type.String(),
    instance_name: Type.String(),
    database_name: Type.String(),
    created_at: Type.Integer(),
    ended_at: NullableEpoch,
    switch_route_begin_time: NullableDailyTime,
    switch_route_end_time: NullableDailyTime,
    retried_by: Type.Union([Type.String(), Type.Null()], {
      description: 'For a failed migration task a tenant retried: the id of its retryMigrateLogicDb task',
    }),
    version: Type.Integer({ description: 'Increases with every change; send it back as if_version' }),
    updated_at: Type.Integer(),
  },
  { additionalProperties: false },
);
export type InternalJob = Static<typeof InternalJobSchema>;

export const InternalJobResponseSchema = Type.Object(
  { job: InternalJobSchema },
  { additionalProperties: false },
);
export type InternalJobResponse = Static<typeof InternalJobResponseSchema>;
