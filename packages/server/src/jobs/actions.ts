import { createHash, randomUUID } from 'node:crypto';
import {
  ACTION_RULES,
  type ActionParseResult,
  aTask,
  checkIgnoredBody,
  checkMigrationPath,
  isMigrationTask,
  type MigrationAction,
  operationsOf,
  parseSwitchStrategy,
  RETRY_TASK_NAME,
  type SwitchWindow,
} from '@ddm-jobs/contract';
import type { Clock } from '../clock/clock.js';
import { ApiError } from '../errors/api-error.js';
import type { JobStore } from '../store/interfaces.js';
import type { JobChange, JobRow, NewJob } from '../store/records.js';
import { afterLostRound, MAX_CAS_ATTEMPTS } from './compare-and-set.js';

/** One tenant action as the path and the caller name it. */
export interface ActionRequest {
  action: MigrationAction;
  projectId: string;
  instanceId: string;
  databaseName: string;
  jobId: string;
  /** The parsed JSON body; undefined when none was sent. */
  body: unknown;
  /** Who acts (a user id): kept with a cleaned task for audit. */
  actor: string;
}

export interface TenantActions {
  /** Performs the action; returns the id the answer names (for retry, the new task's). */
  perform(request: ActionRequest): Promise<{ jobId: string }>;
}

/** What the action writes, computed from the task as last read. */
type Write = { kind: 'update'; change: JobChange } | { kind: 'retry'; retry: NewJob } | { kind: 'remove' };

function orThrow<T>(result: ActionParseResult<T>): T {
  if (!result.ok) throw new ApiError(result.error, result.detail);
  return result.value;
}

/**
 * The retry task: same project, instance and database, created now in Running. It keeps the
 * failed task's switch window: a daily window comes round again, so it can always open.
 */
function retryTaskOf(failed: JobRow, now: number): NewJob {
  return {
    id: randomUUID(),
    projectId: failed.projectId,
    name: RETRY_TASK_NAME,
    status: 'Running',
    progress: 0,
    failReason: '',
    instanceId: failed.instanceId,
    instanceName: failed.instanceName,
    databaseName: failed.databaseName,
    createdAt: now,
    endedAt: null,
    switchBegin: failed.switchBegin,
    switchEnd: failed.switchEnd,
    // No producer sent a create request for it; the digest only has to differ from any that would.
    createDigest: createHash('sha256').update(`retry of ${failed.id}`).digest('base64url'),
  };
}

function writeFor(action: MigrationAction, job: JobRow, window: SwitchWindow, now: number): Write {
  const effect = ACTION_RULES[action].effect;
  switch (effect.kind) {
    case 'move':
      // A new phase starts: its own progress from 0, unfinished, and no earlier failure's reason.
      return { kind: 'update', change: { status: effect.to, progress: 0, failReason: '', endedAt: null } };
    case 'strategy':
      return {
        kind: 'update',
        change: { switchBegin: window?.begin ?? null, switchEnd: window?.end ?? null },
      };
    case 'retry':
      return { kind: 'retry', retry: retryTaskOf(job, now) };
    case 'remove':
      return { kind: 'remove' };
  }
}

/**
 * The tenant's half of the task domain (the state is the protocol): an action moves the task at once and
 * a producer finishes the work. Each action is allowed exactly when the task's `operations` offer
 * it. Writes are compare-and-set on the task's version: when another change lands first, the task
 * is read and checked again, so concurrent actions never both succeed and no update is lost.
 */
export function createTenantActions(store: JobStore, clock: Clock): TenantActions {
  /** The task the path names, or the reason the caller may not act on it. */
  const find = async (request: ActionRequest): Promise<JobRow> => {
    const job = await store.getJob(request.jobId.toLowerCase());
    // Another project's task or another instance's is answered as a task that does not exist.
    if (!job || job.projectId !== request.projectId || job.instanceId !== request.instanceId) {
      throw new ApiError('jobNotFound');
    }
    // Only shard migrations take actions, whatever database the path names (other tasks have none).
    // The cloud's message first, then why, which the cloud leaves the caller to guess.
    if (!isMigrationTask(job.name))
      throw new ApiError('operationNotAllowed', `(${aTask(job.name)} takes no actions)`);
    if (job.databaseName !== request.databaseName) throw new ApiError('jobNotFound');
    return job;
  };

  return {
    async perform(request) {
      const { action } = request;
      const rule = ACTION_RULES[action];
      orThrow(checkMigrationPath({ instance_id: request.instanceId, db_name: request.databaseName }));
      const window = rule.takesBody
        ? orThrow(parseSwitchStrategy(request.body, request))
        : (orThrow(checkIgnoredBody(request.body)) ?? null);
      for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
        if (attempt > 0) await afterLostRound(attempt);
        const job = await find(request);
        if (!operationsOf(job).includes(rule.operation))
          throw new ApiError('operationNotAllowed', `(the task is ${job.status})`);
        const now = clock.now();
        const write = writeFor(action, job, window, now);
        if (write.kind === 'update') {
          if (await store.updateJob(job.id, job.version, write.change, now)) return { jobId: job.id };
        } else if (write.kind === 'retry') {
          const done = await store.retryJob(job.id, job.version, write.retry, now);
          if (done) return { jobId: done.retry.id };
        } else if (await store.removeJob(job.id, job.version, now, request.actor)) {
          return { jobId: job.id };
        }
      }
      throw new ApiError('versionConflict', 'The task is changing too fast; send the request again.');
    },
  };
}
