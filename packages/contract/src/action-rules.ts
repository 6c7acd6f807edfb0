/**
 * The tenant's actions on shard-migration tasks (docs/api.md, "Actions on shard-migration tasks"), written once: the
 * path segment, the operation value that offers it, the answer and where the task goes. The server
 * allows an action exactly when `deriveOperations` lists its operation, so `operations` and the
 * actions can never disagree. Free of imports with runtime code, so the SDK can bundle it.
 */
import type { Operation } from './operations.js';
import type { JobStatus } from './statuses.js';

export const MIGRATION_ACTIONS = [
  'cancel',
  'retry',
  'rollback',
  'clean',
  'route-switch',
  'route-switch-strategy',
] as const;

export type MigrationAction = (typeof MIGRATION_ACTIONS)[number];

/** What an action does to the task the path names. */
export type ActionEffect =
  /** The task moves to this status at once; a producer finishes the work. */
  | { kind: 'move'; to: JobStatus }
  /** The task keeps Failed and offers nothing more; a new retry task starts in Running. */
  | { kind: 'retry' }
  /** The task leaves every listing (kept for audit). */
  | { kind: 'remove' }
  /** The task stays ToBeSwitched with a new switch window (or none: manual). */
  | { kind: 'strategy' };

export interface ActionRule {
  /** The value of `operations` that offers this action. */
  operation: Operation;
  /** 202 with `{"job_id"}`, or 200 with `{}`. */
  httpStatus: 200 | 202;
  effect: ActionEffect;
  /** Whether the action reads a body; the others accept none, an empty one or any JSON object. */
  takesBody: boolean;
  /** The official SDKs' name of the call. */
  sdkName: string;
  summary: string;
}

export const ACTION_RULES = {
  cancel: {
    operation: 'toBeCanceled',
    httpStatus: 202,
    effect: { kind: 'move', to: 'Canceling' },
    takesBody: false,
    sdkName: 'CancelMigration',
    summary: 'Cancel a shard-migration task (Running, Failed or ToBeSwitched)',
  },
  retry: {
    operation: 'toBeRetried',
    httpStatus: 202,
    effect: { kind: 'retry' },
    takesBody: false,
    sdkName: 'RetryMigration',
    summary: 'Retry a failed shard-migration task as a new retryMigrateLogicDb task',
  },
  rollback: {
    operation: 'toBeRolled',
    httpStatus: 202,
    effect: { kind: 'move', to: 'Rollbacking' },
    takesBody: false,
    sdkName: 'RollbackMigration',
    summary: 'Roll a failed shard-migration task back',
  },
  clean: {
    operation: 'toBeCleaned',
    httpStatus: 202,
    effect: { kind: 'remove' },
    takesBody: false,
    sdkName: 'CleanMigration',
    summary: 'Clean up a cancelled or rolled-back shard-migration task: it leaves the listings',
  },
  'route-switch': {
    operation: 'toBeSwitched',
    httpStatus: 200,
    effect: { kind: 'move', to: 'Switching' },
    takesBody: false,
    sdkName: 'SwitchRoute',
    summary: 'Switch routes now (a ToBeSwitched task whose strategy is manual)',
  },
  'route-switch-strategy': {
    operation: 'modifySwitchingStrategy',
    httpStatus: 200,
    effect: { kind: 'strategy' },
    takesBody: true,
    sdkName: 'ChangeStrategy',
    summary: 'Set the daily switch window (HH:mm:ss) of a ToBeSwitched task, or make switching manual',
  },
} as const satisfies Record<MigrationAction, ActionRule>;

/** The name of the task a retry starts. */
export const RETRY_TASK_NAME = 'retryMigrateLogicDb';
