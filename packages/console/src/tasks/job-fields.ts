import {
  EXECUTING_STATUSES,
  FINISHED_STATUSES,
  type JobItem,
  type JobStatus,
  parseDdmTime,
} from '@ddm-jobs/contract/wire';

/** The percent of `process` ("62%") while the task executes, else undefined. */
export function percentOf(job: Pick<JobItem, 'status' | 'process'>): number | undefined {
  if (!EXECUTING_STATUSES.has(job.status)) return undefined;
  const m = /^(\d{1,3})%$/.exec(job.process);
  return m ? Math.min(100, Number(m[1])) : 0;
}

/** Whether `end_time` means something: for an unfinished task the API repeats `created_time`. */
export function hasEnded(status: JobStatus): boolean {
  return FINISHED_STATUSES.has(status);
}

/** Epoch ms of a task's creation (0 when the text is not a DDM time, which sorts it last). */
export function createdMs(job: Pick<JobItem, 'created_time'>): number {
  return parseDdmTime(job.created_time) ?? 0;
}

/** How a status is drawn: a tone for its badge's colour. */
export type StatusTone = 'progress' | 'waiting' | 'undoing' | 'success' | 'failure' | 'undone';

const TONES: Record<JobStatus, StatusTone> = {
  Running: 'progress',
  Expanding: 'progress',
  Switching: 'progress',
  ToBeSwitched: 'waiting',
  Canceling: 'undoing',
  Rollbacking: 'undoing',
  Completed: 'success',
  Failed: 'failure',
  CancelSuccess: 'undone',
  RollbackSuccess: 'undone',
};

export function toneOf(status: string): StatusTone {
  return TONES[status as JobStatus] ?? 'undone';
}
