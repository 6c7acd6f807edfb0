import {
  EXECUTING_STATUSES,
  type JobStatus,
  type NewLogLine,
  type SecondOfDay,
  type ZoneOffset,
} from '@ddm-jobs/contract';
import { windowOpensAt } from './daily-window.js';

/** A step as the simulator runs it: its percents resolved, its duration in milliseconds. */
export interface PlanStep {
  status: JobStatus;
  /** The percent when the step begins, and when it ends; ramped in between while it lasts. */
  from: number;
  to: number;
  /** How long it lasts; null: until the switch window opens or the tenant acts (ToBeSwitched), or for ever. */
  over: number | null;
  /**
   * A step that lasts until tenants have read the task this many times (list or show), the clock
   * aside (`over` is null until then: read-counts.ts then gives it the time it lasted).
   */
  reads?: number;
  /** The fail reason of a Failed step. */
  reason?: string;
  /** Run-log lines appended when the task enters the step, timed then. */
  logs?: NewLogLine[];
}

/** What follows a tenant's cancel, rollback or route switch: how long it takes, and whether it fails. */
export interface Reaction {
  after: number;
  fail: string | null;
}

/**
 * The daily switch window the simulator follows (seconds of the day, in the server's time zone;
 * null: switched by hand), and since when (a tenant may change it).
 */
export interface Window {
  begin: SecondOfDay | null;
  end: SecondOfDay | null;
  since: number;
}

/** A simulated task's plan, kept as JSON in the store's simulations table. */
export interface Plan {
  v: 1;
  steps: PlanStep[];
  window: Window;
  cancel: Reaction;
  rollback: Reaction;
  /** The steps of the retryMigrateLogicDb task a tenant's retry creates. */
  retry: PlanStep[];
}

/** A step as the scenario declares it, durations in milliseconds. */
export interface StepSpec {
  status: JobStatus;
  progress?: number | undefined;
  over?: number | undefined;
  reads?: number | undefined;
  reason?: string | undefined;
  logs?: NewLogLine[] | undefined;
}

/**
 * Resolves the percents of declared steps. A step that lasts ramps to its `progress` (100 by
 * default); one that does not sets it at once. A new executing status starts from 0 (as a
 * producer's status change does), the same status continues from where the previous step ended,
 * and a status that shows no percent keeps the last one.
 */
export function resolveSteps(specs: readonly StepSpec[]): PlanStep[] {
  let previous: JobStatus | undefined;
  let percent = 0;
  return specs.map((spec) => {
    const fresh = EXECUTING_STATUSES.has(spec.status) && spec.status !== previous;
    const from = spec.over === undefined ? (spec.progress ?? (fresh ? 0 : percent)) : fresh ? 0 : percent;
    const to = spec.over === undefined ? from : (spec.progress ?? 100);
    previous = spec.status;
    percent = to;
    return {
      status: spec.status,
      from,
      to,
      over: spec.over ?? null,
      ...(spec.reads === undefined ? {} : { reads: spec.reads }),
      ...(spec.reason === undefined ? {} : { reason: spec.reason }),
      ...(spec.logs === undefined ? {} : { logs: spec.logs }),
    };
  });
}

/** The steps that play out a tenant's cancel, rollback or route switch (or a window opening). */
export function reactionSteps(
  kind: 'Canceling' | 'Rollbacking' | 'Switching',
  reaction: Reaction,
): PlanStep[] {
  const success = {
    Canceling: 'CancelSuccess',
    Rollbacking: 'RollbackSuccess',
    Switching: 'Completed',
  } as const;
  const end: StepSpec =
    reaction.fail === null ? { status: success[kind] } : { status: 'Failed', reason: reaction.fail };
  return resolveSteps([{ status: kind, progress: 100, over: reaction.after }, end]);
}

/**
 * When the task leaves step `index`, begun at `start`; null when nothing the simulator knows of
 * ends it (the last step, a step without duration, a ToBeSwitched step without a window). A
 * ToBeSwitched step ends in the next occurrence of its daily window (on the wall clock of
 * `offsetAt`'s zone) from when the task got there or the window was set, whichever is later.
 */
export function stepEnd(plan: Plan, index: number, start: number, offsetAt: ZoneOffset): number | null {
  const step = plan.steps[index];
  if (!step || index + 1 >= plan.steps.length) return null;
  if (step.status === 'ToBeSwitched') {
    const { begin, end, since } = plan.window;
    if (begin === null || end === null) return null;
    return windowOpensAt({ begin, end }, Math.max(start, since), offsetAt);
  }
  return step.over === null ? null : start + step.over;
}

/** The percent of a step at `t`: ramped linearly over its duration, whole percents. */
export function progressAt(step: PlanStep, start: number, t: number): number {
  if (step.over === null || t >= start + step.over) return step.to;
  if (t <= start) return step.from;
  return Math.floor(step.from + ((step.to - step.from) * (t - start)) / step.over);
}

/** Entering step `step` at `at`. */
export interface Move {
  step: number;
  at: number;
}

/** Every step the task enters after step `index` (begun at `start`) up to `now`, in order. */
export function movesUntil(
  plan: Plan,
  index: number,
  start: number,
  now: number,
  offsetAt: ZoneOffset,
): Move[] {
  const moves: Move[] = [];
  let step = index;
  let at = start;
  for (;;) {
    const end = stepEnd(plan, step, at, offsetAt);
    if (end === null || end > now) return moves;
    step++;
    at = end;
    moves.push({ step, at });
  }
}
