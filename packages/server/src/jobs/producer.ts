import { createHash, randomUUID } from 'node:crypto';
import {
  type CreateJobBody,
  CreateJobBodySchema,
  canBeRecordedIn,
  createValidator,
  FINISHED_STATUSES,
  isMigrationTask,
  isProducerMoveAllowed,
  type PatchJobBody,
  PatchJobBodySchema,
} from '@ddm-jobs/contract';
import type { Clock } from '../clock/clock.js';
import { ApiError } from '../errors/api-error.js';
import type { JobStore } from '../store/interfaces.js';
import type { JobRow, NewJob } from '../store/records.js';
import { afterLostRound, MAX_CAS_ATTEMPTS } from './compare-and-set.js';

const validateCreate = createValidator<CreateJobBody>(CreateJobBodySchema);
const validatePatch = createValidator<PatchJobBody>(PatchJobBodySchema);

const parameter = (detail: string) => new ApiError('parameter', detail);

/** A digest of the create request as sent (keys sorted), to tell a producer's replay from a clash. */
function digestOf(body: CreateJobBody): string {
  const normalized = body.id === undefined ? body : { ...body, id: body.id.toLowerCase() };
  const canonical = Object.keys(normalized)
    .sort()
    .map((key) => [key, normalized[key as keyof CreateJobBody]]);
  return createHash('sha256').update(JSON.stringify(canonical)).digest('base64url');
}

/** Turns a checked create request into the task to store, or throws the 400 naming the field. */
function newJobFrom(body: CreateJobBody, now: number): NewJob {
  const status = body.status ?? 'Running';
  if (!canBeRecordedIn(body.name, status)) {
    throw parameter(`status must be a status a task named ${body.name} can be in.`);
  }
  const createdAt = body.created_at ?? now;
  if (createdAt > now) throw parameter('created_at must be epoch milliseconds, not in the future.');
  const finished = FINISHED_STATUSES.has(status);
  if (body.ended_at !== undefined) {
    if (!finished) throw parameter('ended_at is given only with a finished status.');
    if (body.ended_at < createdAt || body.ended_at > now) {
      throw parameter('ended_at must lie between created_at and now.');
    }
  }
  const begin = body.switch_route_begin_time ?? null;
  const end = body.switch_route_end_time ?? null;
  if (begin !== null || end !== null) {
    if (!isMigrationTask(body.name)) throw parameter('switch_route_begin_time is for migration tasks only.');
    if (begin === null) throw parameter('switch_route_begin_time is required with switch_route_end_time.');
    if (end === null) throw parameter('switch_route_end_time is required with switch_route_begin_time.');
    if (end <= begin) throw parameter('switch_route_end_time must be after switch_route_begin_time.');
  }
  return {
    id: (body.id ?? randomUUID()).toLowerCase(),
    projectId: body.project_id,
    name: body.name,
    status,
    progress: body.progress ?? 0,
    failReason: body.fail_reason ?? '',
    instanceId: body.instance_id,
    instanceName: body.instance_name,
    databaseName: body.database_name ?? '',
    createdAt,
    endedAt: finished ? (body.ended_at ?? createdAt) : null,
    switchBegin: begin,
    switchEnd: end,
    createDigest: digestOf(body),
  };
}

export interface Producer {
  /** Records a task: `created` false when the same request was recorded before. */
  record(body: unknown): Promise<{ created: boolean; job: JobRow }>;
  /**
   * Reports progress or a new status. `at` (not in the clock's future) is when a status move
   * happened, for a producer that reports it late (the simulator after a clock jump): a finished
   * task ends then. Without it, the move happened now.
   */
  report(id: string, body: unknown, at?: number): Promise<JobRow>;
  get(id: string): Promise<JobRow>;
}

/** The producer's half of the task domain: recording tasks and reporting their progress. */
export function createProducer(store: JobStore, clock: Clock): Producer {
  const find = async (id: string) => {
    const job = await store.getJob(id.toLowerCase());
    if (!job) throw new ApiError('jobNotFound');
    return job;
  };
  return {
    async record(body) {
      const checked = validateCreate(body);
      if (!checked.ok) throw parameter(checked.detail);
      const now = clock.now();
      const result = await store.recordJob(newJobFrom(checked.value, now), now);
      if (result.outcome === 'conflict') throw new ApiError('idConflict');
      return { created: result.outcome === 'created', job: result.job };
    },

    async report(id, body, at) {
      const checked = validatePatch(body);
      if (!checked.ok) throw parameter(checked.detail);
      const patch = checked.value;
      if (patch.status === undefined && patch.progress === undefined && patch.fail_reason === undefined) {
        throw parameter('The body must give at least one of status, progress and fail_reason.');
      }
      for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
        if (attempt > 0) await afterLostRound(attempt);
        const job = await find(id);
        if (patch.if_version !== undefined && patch.if_version !== job.version) {
          throw new ApiError('versionConflict', `The task is at version ${job.version}.`);
        }
        const status = patch.status ?? job.status;
        if (!isProducerMoveAllowed(job.name, job.status, status)) {
          const detail =
            status === job.status
              ? `A ${job.name} task in ${status} takes no more reports.`
              : `A ${job.name} task cannot move from ${job.status} to ${status}.`;
          throw new ApiError('transitionNotAllowed', detail);
        }
        const moved = status !== job.status;
        const finished = FINISHED_STATUSES.has(status);
        const now = clock.now();
        if (at !== undefined && (at > now || at < job.createdAt)) {
          throw new RangeError(`report of task ${job.id}: at must lie between its creation and now`);
        }
        const movedAt = at ?? now;
        const updated = await store.updateJob(
          job.id,
          job.version,
          {
            status,
            // A new status starts its own progress from 0 unless the report says otherwise.
            progress: patch.progress ?? (moved ? 0 : job.progress),
            failReason: patch.fail_reason ?? job.failReason,
            endedAt: finished ? (moved || job.endedAt === null ? movedAt : job.endedAt) : null,
          },
          now,
        );
        if (updated) return updated;
        if (patch.if_version !== undefined) {
          throw new ApiError('versionConflict', 'The task changed while this report was applied.');
        }
      }
      throw new ApiError('versionConflict', 'The task is changing too fast; send the report again.');
    },

    get: find,
  };
}
