import { type Static, Type } from '../typebox.js';
import { JobStatusSchema } from './jobs.js';

/** One status a task entered, as `GET /v3/{project_id}/jobs/{job_id}/history` shows it. */
export const JobHistoryEntrySchema = Type.Object(
  {
    status: JobStatusSchema,
    time: Type.String({
      description:
        'When the task entered the status, as yyyy-mm-ddThh:mm:ss+hhmm in the server zone: the ' +
        'creation time for the first entry, the end time for a finished status',
      examples: ['2025-05-20T15:05:13+0000'],
    }),
    process: Type.String({
      description: 'Progress such as "0%" when the task entered an executing status, otherwise ""',
    }),
  },
  { additionalProperties: false },
);
export type JobHistoryEntry = Static<typeof JobHistoryEntrySchema>;

/** A task's status history, oldest first: one entry per status change (its creation included). */
export const JobHistoryResponseSchema = Type.Object(
  {
    history: Type.Array(JobHistoryEntrySchema, {
      description: 'Oldest first; progress reports within a status add no entry',
    }),
  },
  { additionalProperties: false },
);
export type JobHistoryResponse = Static<typeof JobHistoryResponseSchema>;
