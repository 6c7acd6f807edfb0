import { OPERATIONS } from '../operations.js';
import { JOB_STATUSES } from '../statuses.js';
import { type Static, Type } from '../typebox.js';

const DdmTime = Type.String({
  description: 'Time as yyyy-mm-ddThh:mm:ss+hhmm, e.g. 2025-05-20T15:05:13+0000',
  examples: ['2025-05-20T15:05:13+0000'],
});

export const JobStatusSchema = Type.Enum([...JOB_STATUSES], { description: 'Task status' });

/** One task as `GET /v3/{project_id}/jobs` lists it; the key order is the documented one. */
export const JobItemSchema = Type.Object(
  {
    id: Type.String({ description: 'Task ID, a UUID' }),
    name: Type.String({ description: 'Task name, e.g. CreateInstance or migrateLogicDb' }),
    status: JobStatusSchema,
    created_time: DdmTime,
    end_time: Type.String({
      description: 'When the task finished; for an unfinished task, its created_time',
    }),
    process: Type.String({ description: 'Progress such as "60%" while the task executes, otherwise ""' }),
    instance_name: Type.String({ description: 'DDM instance name' }),
    instance_id: Type.String({ description: 'DDM instance ID' }),
    operations: Type.Array(Type.Enum([...OPERATIONS]), {
      description: 'Actions the tenant may take now, in a fixed order; [] when none',
    }),
    database_name: Type.String({ description: 'Logical database (schema) name, "" when none' }),
    fail_reason: Type.String({ description: 'Why the task failed, "" otherwise' }),
  },
  { additionalProperties: false },
);
export type JobItem = Static<typeof JobItemSchema>;

export const ListJobsResponseSchema = Type.Object(
  {
    jobs: Type.Array(JobItemSchema),
    offset: Type.Integer({ description: 'The effective offset' }),
    limit: Type.Integer({ description: 'The effective page size' }),
    total: Type.Integer({ description: 'Tasks in the window, whatever offset and limit' }),
  },
  { additionalProperties: false },
);
export type ListJobsResponse = Static<typeof ListJobsResponseSchema>;

/** One task as `GET /v3/{project_id}/jobs/{job_id}` shows it (docs/api.md, "A task"). */
export const JobDetailSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    status: JobStatusSchema,
    created_time: DdmTime,
    end_time: Type.String(),
    process: Type.String(),
    instance: Type.Object({ id: Type.String(), name: Type.String() }, { additionalProperties: false }),
  },
  { additionalProperties: false },
);
export type JobDetail = Static<typeof JobDetailSchema>;

export const ShowJobResponseSchema = Type.Object({ job: JobDetailSchema }, { additionalProperties: false });
export type ShowJobResponse = Static<typeof ShowJobResponseSchema>;

export const ListJobsQuerySchema = Type.Object({
  offset: Type.Optional(Type.Integer({ minimum: 0, default: 0, description: 'Records to skip' })),
  limit: Type.Optional(
    Type.Integer({ minimum: 1, maximum: 128, default: 10, description: 'Page size, 1 to 128' }),
  ),
  start_time: Type.Integer({
    description: 'Window start, epoch milliseconds; not earlier than 30 days (plus 5 minutes) ago',
  }),
  end_time: Type.Integer({ description: 'Window end, epoch milliseconds; not before start_time' }),
});

export const ErrorBodySchema = Type.Object({
  error_code: Type.String(),
  error_msg: Type.String(),
});

export const GatewayErrorBodySchema = Type.Object({
  error_code: Type.String(),
  error_msg: Type.String(),
  request_id: Type.String(),
});
