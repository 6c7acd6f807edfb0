/** Every task status the public DDM documentation names (docs/api.md, "Statuses, operations and the state machine"). */
export const JOB_STATUSES = [
  'Running',
  'Completed',
  'Failed',
  'Expanding',
  'Canceling',
  'Rollbacking',
  'RollbackSuccess',
  'CancelSuccess',
  'ToBeSwitched',
  'Switching',
] as const;

export type JobStatus = (typeof JOB_STATUSES)[number];

const statusSet: ReadonlySet<string> = new Set(JOB_STATUSES);

export function isJobStatus(value: unknown): value is JobStatus {
  return typeof value === 'string' && statusSet.has(value);
}

/** Statuses in which work is under way: `process` shows the percent only in these. */
export const EXECUTING_STATUSES: ReadonlySet<JobStatus> = new Set([
  'Running',
  'Expanding',
  'Switching',
  'Canceling',
  'Rollbacking',
]);

/**
 * Statuses in which the task has finished, for now or for good: the task carries an end time.
 * A failed migration task is finished until a tenant's cancel or rollback sets it moving again.
 */
export const FINISHED_STATUSES: ReadonlySet<JobStatus> = new Set([
  'Completed',
  'Failed',
  'CancelSuccess',
  'RollbackSuccess',
]);

/** Task names seen in the DDM docs (docs/api.md, "Task names"); the store accepts any name. */
export const KNOWN_TASK_NAMES = [
  'CreateInstance',
  'DeleteInstance',
  'EnlargeNode',
  'ReduceNode',
  'RestartInstance',
  'RestartNode',
  'BindEIP',
  'UnbindEIP',
  'RestoreInstance',
  'loadMetadata',
  'migrateLogicDb',
  'retryMigrateLogicDb',
  'deleteConsistentBackup',
  'CreateGroup',
  'DeleteGroup',
] as const;

const migrationNames: ReadonlySet<string> = new Set(['migrateLogicDb', 'retryMigrateLogicDb']);

/** Shard-migration tasks are the only ones tenants can act on. */
export function isMigrationTask(name: string): boolean {
  return migrationNames.has(name);
}

/** Tasks that may pass through Expanding on their way to Completed or Failed. */
const expandingNames: ReadonlySet<string> = new Set(['EnlargeNode', 'ReduceNode']);

export function canExpand(name: string): boolean {
  return expandingNames.has(name);
}
