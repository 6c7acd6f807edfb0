import { JOB_STATUSES, type JobStatus } from '../statuses.js';
import { type Static, Type } from '../typebox.js';

/** The tasks of one day by their status now: only the statuses some task is in. */
const StatusCountsSchema = Type.Object(
  Object.fromEntries(JOB_STATUSES.map((status) => [status, Type.Optional(Type.Integer({ minimum: 1 }))])),
  { additionalProperties: false, description: 'Tasks created that day by their status now; no zero counts' },
);

/** One calendar day of the zone, clipped to the window (docs/api.md, "Tasks per day"). */
export const JobStatisticsDaySchema = Type.Object(
  {
    date: Type.String({ description: 'The day in the zone, yyyy-mm-dd', examples: ['2026-12-01'] }),
    start_time: Type.Integer({
      description:
        "The day's first millisecond within the window, epoch ms (the local midnight, or the window's start)",
    }),
    end_time: Type.Integer({
      description:
        "The day's last millisecond within the window, epoch ms, inclusive (as a list window's end)",
    }),
    total: Type.Integer({ minimum: 0, description: 'Tasks created that day that match the filters' }),
    statuses: StatusCountsSchema,
  },
  { additionalProperties: false },
);
export type JobStatisticsDay = Omit<Static<typeof JobStatisticsDaySchema>, 'statuses'> & {
  statuses: Partial<Record<JobStatus, number>>;
};

export const JobStatisticsResponseSchema = Type.Object(
  {
    time_zone: Type.String({ description: 'The IANA zone the days are of', examples: ['Europe/Berlin'] }),
    days: Type.Array(JobStatisticsDaySchema, { description: 'Every day the window touches, oldest first' }),
  },
  { additionalProperties: false },
);
export interface JobStatisticsResponse {
  time_zone: string;
  days: JobStatisticsDay[];
}
