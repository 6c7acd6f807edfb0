import type { JobItem, Operation } from '@ddm-jobs/contract/wire';

/** The tenant's actions on a shard-migration task, one per value `operations` may list. */
export type TaskAction = 'window' | 'switch' | 'cancel' | 'retry' | 'rollback' | 'clean';

export interface ActionText {
  operation: Operation;
  /** The button's text. */
  label: string;
  /** The confirmation dialog's title and question. */
  title: string;
  question: (job: JobItem) => string;
  /** The confirm button's text. */
  confirm: string;
  /** Told once the server accepted the action. */
  done: string;
  /** Irreversible or disruptive: the confirm button is red. */
  danger: boolean;
}

const db = (job: JobItem) => (job.database_name ? `database ${job.database_name}` : 'the database');

/** In the order in which `operations` lists them (docs/api.md, "Statuses, operations and the state machine"). */
export const ACTIONS: Record<TaskAction, ActionText> = {
  window: {
    operation: 'modifySwitchingStrategy',
    label: 'Change window',
    title: 'Change the switch window',
    question: (job) => `When should the routes of ${db(job)} be switched to the new shards?`,
    confirm: 'Save window',
    done: 'The switch window was changed.',
    danger: false,
  },
  switch: {
    operation: 'toBeSwitched',
    label: 'Switch routes',
    title: 'Switch routes now',
    question: (job) => `Switch the routes of ${db(job)} to the new shards now?`,
    confirm: 'Switch now',
    done: 'The routes are being switched.',
    danger: false,
  },
  cancel: {
    operation: 'toBeCanceled',
    label: 'Cancel',
    title: 'Cancel the migration',
    question: (job) => `Cancel the migration of ${db(job)}? The task moves to Canceling.`,
    confirm: 'Cancel migration',
    done: 'The migration is being cancelled.',
    danger: true,
  },
  retry: {
    operation: 'toBeRetried',
    label: 'Retry',
    title: 'Retry the migration',
    question: (job) =>
      `Retry the migration of ${db(job)}? A new retryMigrateLogicDb task starts; this one stays Failed.`,
    confirm: 'Retry',
    done: 'A retry task was started.',
    danger: false,
  },
  rollback: {
    operation: 'toBeRolled',
    label: 'Roll back',
    title: 'Roll the migration back',
    question: (job) => `Roll back the migration of ${db(job)}? The task moves to Rollbacking.`,
    confirm: 'Roll back',
    done: 'The migration is being rolled back.',
    danger: true,
  },
  clean: {
    operation: 'toBeCleaned',
    label: 'Clean up',
    title: 'Clean up the task',
    question: () => 'Clean up this task? It leaves the task list for good.',
    confirm: 'Clean up',
    done: 'The task was cleaned up.',
    danger: true,
  },
};

const ORDER = Object.keys(ACTIONS) as TaskAction[];

/** The actions the task offers now, from its `operations`. */
export function actionsOf(job: JobItem): TaskAction[] {
  return ORDER.filter((action) => job.operations.includes(ACTIONS[action].operation));
}
