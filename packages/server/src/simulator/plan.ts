import { FINISHED_STATUSES, isMigrationTask, type JobStatus } from '@ddm-jobs/contract';
import type { JobRow, Simulation } from '../store/records.js';
import type { Plan } from './timeline.js';

/** A simulation as the simulator works on it: the plan decoded. */
export interface Running {
  jobId: string;
  plan: Plan;
  step: number;
  stepStartedAt: number;
}

export function encode(running: Running): Simulation {
  return {
    jobId: running.jobId,
    plan: JSON.stringify(running.plan),
    step: running.step,
    stepStartedAt: running.stepStartedAt,
  };
}

/** The stored plan, or undefined when it is not one this simulator wrote. */
export function decode(simulation: Simulation): Running | undefined {
  let plan: Plan;
  try {
    plan = JSON.parse(simulation.plan) as Plan;
  } catch {
    return undefined;
  }
  if (plan?.v !== 1 || !Array.isArray(plan.steps) || !plan.steps[simulation.step]) return undefined;
  return { jobId: simulation.jobId, plan, step: simulation.step, stepStartedAt: simulation.stepStartedAt };
}

/**
 * Whether nothing can happen to a task any more, neither by its timeline nor by a tenant's
 * action the simulator answers: a failed migration task may still be cancelled, rolled back or
 * retried, and cleaning a cancelled or rolled-back one asks nothing of the simulator.
 */
export function isSettled(name: string, status: JobStatus, retriedBy: string | null = null): boolean {
  if (status === 'Failed') return !isMigrationTask(name) || retriedBy !== null;
  return FINISHED_STATUSES.has(status);
}

export const isSettledJob = (job: JobRow) => isSettled(job.name, job.status, job.retriedBy);
