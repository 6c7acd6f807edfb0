import { createHash, randomUUID } from 'node:crypto';
import {
  aTask,
  type BatchItemResult,
  type BatchJobsResponse,
  type BatchReport,
  BatchReportSchema,
  type CreateJobBody,
  CreateJobBodySchema,
  canBeRecordedIn,
  createValidator,
  FINISHED_STATUSES,
  isMigrationTask,
  isProducerMoveAllowed,
  type PatchJobBody,
  PatchJobBodySchema,
  parseBatchBody,
  parseDailyTime,
} from '@ddm-jobs/contract';
import type { Clock } from '../clock/clock.js';
import { ApiError } from '../errors/api-error.js';
import type { JobStore, MigrationDetailsStore } from '../store/interfaces.js';
import type { BatchWrite, JobChange, JobRow, MigrationDetails, NewJob, StoredJob } from '../store/records.js';
import { changedJob, createdJob } from '../store/rows/job-rows.js';
import { afterLostRound, MAX_CAS_ATTEMPTS } from './compare-and-set.js';
import { type DetailFields, detailsOf, hasDetails } from './migration-details.js';

/** A sentence's first word: "An EnlargeNode task ...". */
const capitalized = (text: string) => `${text.charAt(0).toUpperCase()}${text.slice(1)}`;

const validateCreate = createValidator<CreateJobBody>(CreateJobBodySchema);
const validatePatch = createValidator<PatchJobBody>(PatchJobBodySchema);
const validateBatchReport = createValidator<BatchReport>(BatchReportSchema);

const parameter = (detail: string) => new ApiError('parameter', detail);

/** A digest of the create request as sent (keys sorted), to tell a producer's replay from a clash. */
function digestOf(body: CreateJobBody): string {
  const normalized = body.id === undefined ? body : { ...body, id: body.id.toLowerCase() };
  const canonical = Object.keys(normalized)
    .sort()
    .map((key) => [key, normalized[key as keyof CreateJobBody]]);
  return createHash('sha256').update(JSON.stringify(canonical)).digest('base64url');
}

/** Turns a create request into the task to store, or throws the 400 naming the field. */
function newJobFrom(body: unknown, now: number): NewJob {
  const checked = validateCreate(body);
  if (!checked.ok) throw parameter(checked.detail);
  const request = checked.value;
  const status = request.status ?? 'Running';
  if (!canBeRecordedIn(request.name, status)) {
    throw parameter(`status must be a status ${aTask(request.name)} can be in.`);
  }
  const createdAt = request.created_at ?? now;
  if (createdAt > now) throw parameter('created_at must be epoch milliseconds, not in the future.');
  const finished = FINISHED_STATUSES.has(status);
  if (request.ended_at !== undefined) {
    if (!finished) throw parameter('ended_at is given only with a finished status.');
    if (request.ended_at < createdAt || request.ended_at > now) {
      throw parameter('ended_at must lie between created_at and now.');
    }
  }
  // The schema checked the format; the tenant's rule (one day, 60 minutes) is not a producer's:
  // a window ending at or before its begin crosses midnight (docs/api.md, "Recording a task").
  const begin = parseDailyTime(request.switch_route_begin_time) ?? null;
  const end = parseDailyTime(request.switch_route_end_time) ?? null;
  if (begin !== null || end !== null) {
    if (!isMigrationTask(request.name))
      throw parameter('switch_route_begin_time is for migration tasks only.');
    if (begin === null) throw parameter('switch_route_begin_time is required with switch_route_end_time.');
    if (end === null) throw parameter('switch_route_end_time is required with switch_route_begin_time.');
  }
  return {
    id: (request.id ?? randomUUID()).toLowerCase(),
    projectId: request.project_id,
    name: request.name,
    status,
    progress: request.progress ?? 0,
    failReason: request.fail_reason ?? '',
    instanceId: request.instance_id,
    instanceName: request.instance_name,
    databaseName: request.database_name ?? '',
    createdAt,
    endedAt: finished ? (request.ended_at ?? createdAt) : null,
    switchBegin: begin,
    switchEnd: end,
    createDigest: digestOf(request),
  };
}

/** Whether a report changes the task itself (not only its shard-configuration details). */
const changesTask = (patch: PatchJobBody): boolean =>
  patch.status !== undefined || patch.progress !== undefined || patch.fail_reason !== undefined;

/** A report's fields, checked: at least one of status, progress, fail_reason and the details. */
function checkedReport(patch: PatchJobBody): PatchJobBody {
  if (!changesTask(patch) && !hasDetails(patch)) {
    throw parameter(
      'The body must give at least one of status, progress, fail_reason and the shard-configuration details.',
    );
  }
  return patch;
}

/**
 * What a report changes on a task as it is now, or the refusal: a stale `if_version`, or a move
 * the task's state machine does not allow. `at` (not in the future) is when a status move
 * happened, for a producer that reports it late; a finished task ends then.
 */
function changeOf(job: JobRow, patch: PatchJobBody, now: number, at = now): JobChange {
  if (patch.if_version !== undefined && patch.if_version !== job.version) {
    throw new ApiError('versionConflict', `The task is at version ${job.version}.`);
  }
  const status = patch.status ?? job.status;
  if (!isProducerMoveAllowed(job.name, job.status, status)) {
    const detail =
      status === job.status
        ? `${capitalized(aTask(job.name))} in ${status} takes no more reports.`
        : `${capitalized(aTask(job.name))} cannot move from ${job.status} to ${status}.`;
    throw new ApiError('transitionNotAllowed', detail);
  }
  const moved = status !== job.status;
  const finished = FINISHED_STATUSES.has(status);
  return {
    status,
    // A new status starts its own progress from 0 unless the report says otherwise.
    progress: patch.progress ?? (moved ? 0 : job.progress),
    failReason: patch.fail_reason ?? job.failReason,
    endedAt: finished ? (moved || job.endedAt === null ? at : job.endedAt) : null,
  };
}

/** An item's own error in a batch's answer, in the shape of the error table. */
const failure = (error: ApiError): BatchItemResult => ({
  status: error.kind.status,
  error_code: error.kind.code,
  error_msg: error.message,
});

/** Runs `work` on an item; its ApiError becomes that item's error, anything else fails the batch. */
function itemOutcome<T>(work: () => T): T | ApiError {
  try {
    return work();
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
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
  /**
   * Records tasks and reports on tasks, many at once: each item as `record` or `report` would
   * take it, refused alone when it must be, the accepted ones committed together. One result per
   * item, in order. Throws (400) only when the body is not a batch.
   */
  batch(body: unknown): Promise<BatchJobsResponse>;
  get(id: string): Promise<JobRow>;
}

/** The producer's half of the task domain: recording tasks and reporting their progress. */
export function createProducer(store: JobStore & MigrationDetailsStore, clock: Clock): Producer {
  const find = async (id: string) => {
    const job = await store.getJob(id.toLowerCase());
    if (!job) throw new ApiError('jobNotFound');
    return job;
  };
  return {
    async record(body) {
      const now = clock.now();
      const job = newJobFrom(body, now);
      const details = detailsOf(job.name, body as DetailFields);
      const result = await store.recordJob(job, now);
      if (result.outcome === 'conflict') throw new ApiError('idConflict');
      // Only when none are stored: a replay (after a crash between the two writes) fills them in,
      // and never undoes what later reports changed.
      if (details) await store.saveMigrationDetails(result.job.id, details, now, true);
      return { created: result.outcome === 'created', job: result.job };
    },

    async report(id, body, at) {
      const checked = validatePatch(body);
      if (!checked.ok) throw parameter(checked.detail);
      const patch = checkedReport(checked.value);
      for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
        if (attempt > 0) await afterLostRound(attempt);
        const job = await find(id);
        const now = clock.now();
        if (at !== undefined && (at > now || at < job.createdAt)) {
          throw new RangeError(`report of task ${job.id}: at must lie between its creation and now`);
        }
        const details = detailsOf(job.name, patch);
        if (!changesTask(patch)) {
          // Details alone: the task itself (and its version) is unchanged.
          if (patch.if_version !== undefined && patch.if_version !== job.version)
            throw new ApiError('versionConflict', `The task is at version ${job.version}.`);
          if (details && (await store.saveMigrationDetails(job.id, details, now, false))) return job;
          continue;
        }
        const updated = await store.updateJob(job.id, job.version, changeOf(job, patch, now, at), now);
        if (updated && details) await store.saveMigrationDetails(job.id, details, now, false);
        if (updated) return updated;
        if (patch.if_version !== undefined) {
          throw new ApiError('versionConflict', 'The task changed while this report was applied.');
        }
      }
      throw new ApiError('versionConflict', 'The task is changing too fast; send the report again.');
    },

    async batch(body) {
      const items = parseBatchBody(body);
      if (!items.ok) throw parameter(items.detail);
      const now = clock.now();
      // Each item checked on its own first: a bad one is answered alone, before any read.
      // Each item's shard-configuration details, saved once the batch committed.
      const details = new Map<object, Partial<MigrationDetails>>();
      const creates = items.value.create.map((item) =>
        itemOutcome(() => {
          const job = newJobFrom(item, now);
          const given = detailsOf(job.name, item as DetailFields);
          if (given) details.set(job, given);
          return job;
        }),
      );
      const reports = items.value.update.map((item) =>
        itemOutcome(() => {
          const checked = validateBatchReport(item);
          if (!checked.ok) throw parameter(checked.detail);
          const { id, ...patch } = checked.value;
          return { id: id.toLowerCase(), patch: checkedReport(patch) };
        }),
      );
      if (creates.length + reports.length === 0) return { created: [], updated: [] };
      const ids = new Set<string>();
      for (const item of creates) if (!(item instanceof ApiError)) ids.add(item.id);
      for (const item of reports) if (!(item instanceof ApiError)) ids.add(item.id);

      const results = await store.writeBatch(
        [...ids],
        (found) => {
          // The tasks as the batch leaves them so far: a later item sees what an earlier one did.
          const tasks = new Map<string, StoredJob>(found);
          const writes: BatchWrite[] = [];
          const created = creates.map((item): BatchItemResult => {
            if (item instanceof ApiError) return failure(item);
            const existing = tasks.get(item.id);
            if (existing) {
              if (existing.createDigest !== item.createDigest) return failure(new ApiError('idConflict'));
              return { status: 200, id: existing.job.id, version: existing.job.version };
            }
            const job = createdJob(item, now);
            tasks.set(job.id, { job, createDigest: item.createDigest });
            writes.push({ kind: 'create', job: item });
            return { status: 201, id: job.id, version: job.version };
          });
          const updated = reports.map((item): BatchItemResult => {
            if (item instanceof ApiError) return failure(item);
            const task = tasks.get(item.id);
            if (!task) return failure(new ApiError('jobNotFound'));
            const given = itemOutcome(() => detailsOf(task.job.name, item.patch));
            if (given instanceof ApiError) return failure(given);
            if (given) details.set(item, given);
            if (!changesTask(item.patch)) {
              if (item.patch.if_version !== undefined && item.patch.if_version !== task.job.version)
                return failure(
                  new ApiError('versionConflict', `The task is at version ${task.job.version}.`),
                );
              return { status: 200, id: task.job.id, version: task.job.version };
            }
            const change = itemOutcome(() => changeOf(task.job, item.patch, now));
            if (change instanceof ApiError) return failure(change);
            const after = changedJob(task.job, change, now);
            tasks.set(after.id, { ...task, job: after });
            writes.push({ kind: 'change', before: task.job, after });
            return { status: 200, id: after.id, version: after.version };
          });
          return { writes, result: { created, updated } };
        },
        now,
      );
      // Details are kept apart from the tasks (docs/decisions.md): written after the batch, for
      // the items it accepted, a creation's only when none are stored yet; one after another, in
      // the items' order, so a report's details land on its creation's.
      for (const [i, item] of creates.entries()) {
        const given = item instanceof ApiError ? undefined : details.get(item);
        if (given && !(item instanceof ApiError) && results.created[i]?.id)
          await store.saveMigrationDetails(item.id, given, now, true);
      }
      for (const [i, item] of reports.entries()) {
        const given = item instanceof ApiError ? undefined : details.get(item);
        if (given && !(item instanceof ApiError) && results.updated[i]?.status === 200)
          await store.saveMigrationDetails(item.id, given, now, false);
      }
      return results;
    },

    get: find,
  };
}
