import type { Clock } from '../clock/clock.js';
import type { JobStore } from '../store/interfaces.js';
import { decode, encode } from './plan.js';
import type { Simulator } from './simulator.js';
import type { PlanStep } from './timeline.js';

/**
 * Transitions counted in reads (docs/scenarios.md, "Steps that end with reads"): a step declared
 * with `reads: N` lasts until tenants have read its task N times (a list page holding it, or the
 * task shown), for tests of pollers that never move a clock.
 */
export interface ReadCounter {
  /**
   * Counts one read of each task named, by a tenant of `projectId`, once the answer is made and
   * before it is sent: the read that reaches a step's count still shows the step, and the task has
   * moved on (the simulator ticked) before the next read can be answered.
   */
  observe(projectId: string, jobIds: readonly string[]): Promise<void>;
  /** Forgets the counts of a project's tasks (its reset), or of every task. */
  forget(projectId?: string): void;
}

interface Count {
  projectId: string;
  /** The step counted, as the simulation stood: a count never carries over to another step. */
  step: number;
  stepStartedAt: number;
  reads: number;
}

/**
 * Counts in this node's memory, so that reads arriving at once are each counted (no read-modify-write
 * of a stored count); the step's end is stored, so whichever node ticks next moves the task. On
 * several nodes, a step thus ends after N reads on any one of them.
 */
export function createReadCounter(deps: {
  store: Pick<JobStore, 'findSimulations' | 'saveSimulation'>;
  simulator: Pick<Simulator, 'tick'>;
  clock: Clock;
}): ReadCounter {
  const { store, simulator, clock } = deps;
  const counts = new Map<string, Count>();

  return {
    async observe(projectId, jobIds) {
      if (jobIds.length === 0) return;
      let ended = false;
      for (const simulation of await store.findSimulations(jobIds)) {
        const running = decode(simulation);
        const step = running?.plan.steps[running.step];
        if (!running || step?.reads === undefined) continue;
        const seen = counts.get(running.jobId);
        const same = seen?.step === running.step && seen.stepStartedAt === running.stepStartedAt;
        const reads = (same ? seen.reads : 0) + 1;
        if (reads < step.reads) {
          counts.set(running.jobId, {
            projectId,
            step: running.step,
            stepStartedAt: running.stepStartedAt,
            reads,
          });
          continue;
        }
        counts.delete(running.jobId);
        // The step ends now: it gets the time it lasted as its duration, and the tick moves the task
        // on, through every step that follows by the clock as well.
        const lasted: PlanStep = { ...step, over: Math.max(0, clock.now() - running.stepStartedAt) };
        delete lasted.reads;
        const steps = running.plan.steps.map((each, index) => (index === running.step ? lasted : each));
        await store.saveSimulation(encode({ ...running, plan: { ...running.plan, steps } }));
        ended = true;
      }
      if (ended) await simulator.tick();
    },
    forget(projectId) {
      if (projectId === undefined) return counts.clear();
      for (const [jobId, count] of counts) if (count.projectId === projectId) counts.delete(jobId);
    },
  };
}
