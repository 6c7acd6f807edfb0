import { isMigrationTask, type JobStatus } from './statuses.js';

/** Operation values in the fixed order in which `operations` lists them (docs/api.md, "Statuses, operations and the state machine"). */
export const OPERATIONS = [
  'modifySwitchingStrategy',
  'toBeSwitched',
  'toBeCanceled',
  'toBeRetried',
  'toBeRolled',
  'toBeCleaned',
] as const;

export type Operation = (typeof OPERATIONS)[number];

export interface OperationsInput {
  name: string;
  status: JobStatus;
  /** True when the task has no switch window, so routes are switched by hand. */
  manualSwitch: boolean;
  /** True once a tenant retried the (failed) task: it then offers nothing more. */
  retried: boolean;
}

const NONE: readonly Operation[] = Object.freeze([]);
const BY_STATUS: Partial<Record<JobStatus, readonly Operation[]>> = {
  Running: ['toBeCanceled'],
  Failed: ['toBeCanceled', 'toBeRetried', 'toBeRolled'],
  CancelSuccess: ['toBeCleaned'],
  RollbackSuccess: ['toBeCleaned'],
};
const TO_BE_SWITCHED_MANUAL: readonly Operation[] = [
  'modifySwitchingStrategy',
  'toBeSwitched',
  'toBeCanceled',
];
const TO_BE_SWITCHED_WINDOW: readonly Operation[] = ['modifySwitchingStrategy', 'toBeCanceled'];

/**
 * The actions a tenant may take on a task now, derived from its name, status and switch strategy.
 *
 * @example deriveOperations({ name: 'migrateLogicDb', status: 'ToBeSwitched', manualSwitch: false, retried: false })
 *   // ['modifySwitchingStrategy', 'toBeCanceled']
 */
export function deriveOperations(task: OperationsInput): readonly Operation[] {
  if (!isMigrationTask(task.name) || task.retried) return NONE;
  if (task.status === 'ToBeSwitched')
    return task.manualSwitch ? TO_BE_SWITCHED_MANUAL : TO_BE_SWITCHED_WINDOW;
  return BY_STATUS[task.status] ?? NONE;
}
