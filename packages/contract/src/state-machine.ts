import { canExpand, isMigrationTask, type JobStatus } from './statuses.js';

type Moves = Partial<Record<JobStatus, readonly JobStatus[]>>;

/**
 * The moves a producer may report for a shard-migration task (docs/api.md, "Statuses, operations and the state machine"). Moves into
 * Canceling, Switching (by hand) and Rollbacking are the tenant's, through the actions; the
 * producer may still start Switching itself when the switch window opens.
 */
const MIGRATION_MOVES: Moves = {
  Running: ['ToBeSwitched', 'Failed'],
  ToBeSwitched: ['Switching'],
  Switching: ['Completed', 'Failed'],
  Canceling: ['CancelSuccess', 'Failed'],
  Rollbacking: ['RollbackSuccess', 'Failed'],
};

/** Every other task runs to Completed or Failed, EnlargeNode and ReduceNode maybe via Expanding. */
const PLAIN_MOVES: Moves = { Running: ['Completed', 'Failed'] };
const EXPANDING_MOVES: Moves = {
  Running: ['Expanding', 'Completed', 'Failed'],
  Expanding: ['Completed', 'Failed'],
};

function movesFor(name: string): Moves {
  if (isMigrationTask(name)) return MIGRATION_MOVES;
  return canExpand(name) ? EXPANDING_MOVES : PLAIN_MOVES;
}

/**
 * Whether a producer may move a task of this name from one status to another. A report that
 * keeps the status (progress, a reason) is allowed while the producer still has moves to make
 * from it; a finished task takes no more reports. Every move not drawn in the state machine is
 * refused.
 */
export function isProducerMoveAllowed(name: string, from: JobStatus, to: JobStatus): boolean {
  const onward = movesFor(name)[from] ?? [];
  return from === to ? onward.length > 0 : onward.includes(to);
}

/**
 * Whether a task of this name can be recorded in this status: any status its state machine
 * reaches, so that producers can import history (a CreateInstance task is never ToBeSwitched).
 */
export function canBeRecordedIn(name: string, status: JobStatus): boolean {
  if (isMigrationTask(name)) return true;
  const moves = movesFor(name);
  return status in moves || Object.values(moves).some((targets) => targets.includes(status));
}
