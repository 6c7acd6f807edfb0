import { createZoneOffset, ERRORS, isProducerMoveAllowed, type ZoneOffset } from '@ddm-jobs/contract';
import type { Logger } from 'pino';
import type { Clock } from '../clock/clock.js';
import { repeatEvery } from '../clock/repeat-every.js';
import { ApiError } from '../errors/api-error.js';
import type { Producer } from '../jobs/producer.js';
import type { Store } from '../store/interfaces.js';
import type { JobRow } from '../store/records.js';
import { decode, encode, isSettledJob, type Running } from './plan.js';
import { movesUntil, type PlanStep, progressAt, reactionSteps, stepEnd } from './timeline.js';

export interface Simulator {
  /** Brings every simulated task to what its timeline says for clock.now(). Single-flight. */
  tick(): Promise<void>;
  /** Ticks every intervalMs (timers unref'd) until stop(). */
  start(intervalMs: number): void;
  stop(): Promise<void>;
  /**
   * Runs `work` with the simulator held (no tick runs meanwhile; one under way is waited for),
   * then lets it go on as before: the emulator's resets, which may overlap one another.
   */
  paused<T>(work: () => Promise<T>): Promise<T>;
}

export interface SimulatorDeps {
  store: Store;
  producer: Producer;
  clock: Clock;
  /** The IANA zone daily switch windows are read in (`--time-zone`); UTC by default. */
  timeZone?: string | undefined;
  logger?: Logger | undefined;
}

/**
 * Where a simulation goes on when the task is not in the status its step put it in: a tenant's
 * cancel or rollback starts the matching reaction; the next step's status means the tenant
 * switched routes by hand, or the simulator reported that move and stopped before saving it.
 * Undefined when the task was moved by someone else: the simulator lets it go.
 */
function reconcile(running: Running, job: JobRow, offsetAt: ZoneOffset): Running | undefined {
  const { plan, step, stepStartedAt } = running;
  const current = plan.steps[step] as PlanStep;
  if (job.status === 'Canceling' || job.status === 'Rollbacking') {
    const reaction = job.status === 'Canceling' ? plan.cancel : plan.rollback;
    // Nothing but the tenant's action has written the task since: it entered the status then.
    const steps = reactionSteps(job.status, reaction);
    return { ...running, plan: { ...plan, steps }, step: 0, stepStartedAt: job.updatedAt };
  }
  if (plan.steps[step + 1]?.status !== job.status) return undefined;
  const byTenant = current.status === 'ToBeSwitched' && plan.window.begin === null;
  const began = byTenant ? job.updatedAt : (stepEnd(plan, step, stepStartedAt, offsetAt) ?? job.updatedAt);
  return { ...running, step: step + 1, stepStartedAt: Math.min(began, job.updatedAt) };
}

/** The tenant changed the switch window (route-switch-strategy): follow the task's current one. */
function followWindow(running: Running, job: JobRow): Running | undefined {
  const { window } = running.plan;
  if (window.begin === job.switchBegin && window.end === job.switchEnd) return undefined;
  const since = job.updatedAt;
  return {
    ...running,
    plan: { ...running.plan, window: { begin: job.switchBegin, end: job.switchEnd, since } },
  };
}

/**
 * The producer of simulated tasks: on each tick, every task with a simulation is brought to what
 * its timeline says for the clock's now, each status move reported in order at the instant the
 * timeline gives it, so that a jump of hours replays every step. Tenants' actions are read from
 * the task (the state is the protocol) and answered after the scenario's delays.
 */
export function createSimulator(deps: SimulatorDeps): Simulator {
  const { store, producer, clock, logger } = deps;
  const offsetAt = createZoneOffset(deps.timeZone);
  const save = (running: Running) => store.saveSimulation(encode(running));
  /**
   * A step's run-log lines, timed when the task entered it. Written before the simulation is
   * saved at that step: after a crash between the two, the next tick finds the task already
   * there (reconcile) and writes them no second time.
   */
  const writeLogs = async (jobId: string, step: PlanStep, at: number) => {
    if (step.logs?.length) await store.appendRunLogs(jobId, step.logs, at);
  };

  const report = (job: JobRow, step: PlanStep, progress: number, at?: number) =>
    producer.report(
      job.id,
      {
        status: step.status,
        progress,
        if_version: job.version,
        ...(step.status === 'Failed' && step.reason !== undefined ? { fail_reason: step.reason } : {}),
      },
      at,
    );

  /**
   * A tenant retried the failed task: its retry task runs the scenario's on_retry steps, from
   * this tick on; the failed task offers nothing more and is let go.
   */
  async function adoptRetry(running: Running, retryId: string, simulated: Set<string>, now: number) {
    const retry = await store.getJob(retryId);
    let adopted: Running | undefined;
    if (retry && !simulated.has(retryId)) {
      const { plan } = running;
      adopted = {
        jobId: retryId,
        // The retry task has the window the tenant's retry gave it (the failed task's).
        plan: {
          ...plan,
          steps: plan.retry,
          window: { begin: retry.switchBegin, end: retry.switchEnd, since: retry.createdAt },
        },
        step: 0,
        stepStartedAt: retry.createdAt,
      };
      // The retry task is in its first step since its creation.
      const first = plan.retry[0];
      if (first) await writeLogs(retryId, first, retry.createdAt);
      await save(adopted);
      simulated.add(retryId);
    }
    await store.deleteSimulation(running.jobId);
    if (adopted) await follow(adopted, simulated, now);
  }

  async function follow(stored: Running, simulated: Set<string>, now: number): Promise<void> {
    let running = stored;
    let job = await store.getJob(running.jobId);
    if (!job) return store.deleteSimulation(running.jobId);
    if (job.status === 'Failed' && job.retriedBy !== null)
      return adoptRetry(running, job.retriedBy, simulated, now);
    // The virtual clock was set back before the task's last change: nothing is undone; the
    // timeline goes on once the clock passes that instant again.
    if (now < job.updatedAt) return;
    if (job.status !== running.plan.steps[running.step]?.status) {
      const resumed = reconcile(running, job, offsetAt);
      if (!resumed) {
        logger?.warn(
          { job_id: job.id, status: job.status },
          'simulator: task moved outside its timeline, let go',
        );
        return store.deleteSimulation(running.jobId);
      }
      running = resumed;
      await save(running);
    }
    const windowed = followWindow(running, job);
    if (windowed) {
      running = windowed;
      await save(running);
    }
    for (const move of movesUntil(running.plan, running.step, running.stepStartedAt, now, offsetAt)) {
      const step = running.plan.steps[move.step] as PlanStep;
      job = await report(job, step, step.from, move.at);
      await writeLogs(job.id, step, move.at);
      running = { ...running, step: move.step, stepStartedAt: move.at };
      await save(running);
    }
    const step = running.plan.steps[running.step] as PlanStep;
    const progress = progressAt(step, running.stepStartedAt, now);
    if (progress !== job.progress && isProducerMoveAllowed(job.name, job.status, job.status))
      job = await report(job, step, progress);
    if (isSettledJob(job)) await store.deleteSimulation(job.id);
  }

  async function runOnce(): Promise<void> {
    // One instant for the whole tick: the clock as it was when the tick was asked for.
    const now = clock.now();
    const simulations = await store.listSimulations();
    const simulated = new Set(simulations.map((simulation) => simulation.jobId));
    for (const simulation of simulations) {
      const running = decode(simulation);
      try {
        if (running) await follow(running, simulated, now);
        else {
          logger?.warn({ job_id: simulation.jobId }, 'simulator: unreadable plan, dropped');
          await store.deleteSimulation(simulation.jobId);
        }
      } catch (error) {
        // A tenant acted between the read and the report (a stale version, a cleaned task): the
        // next tick sees what they did.
        const raced =
          error instanceof ApiError &&
          (error.kind === ERRORS.versionConflict || error.kind === ERRORS.jobNotFound);
        if (raced) logger?.debug({ job_id: simulation.jobId }, 'simulator: task changed meanwhile');
        else logger?.error({ err: error, job_id: simulation.jobId }, 'simulator: task not advanced');
      }
    }
  }

  let current: Promise<void> | undefined;
  let queued: Promise<void> | undefined;
  let stopRepeating: (() => void) | undefined;
  /** The interval it ticks at while started, to start again after the last pause. */
  let startedEvery: number | undefined;
  let pauses = 0;

  const simulator: Simulator = {
    tick() {
      if (!current) {
        current = runOnce().finally(() => {
          current = undefined;
        });
        return current;
      }
      // A tick asked for while one runs starts after it, so it sees the clock as it is now;
      // every caller waiting meanwhile shares that one.
      queued ??= current
        .catch(() => {})
        .then(() => {
          queued = undefined;
          return simulator.tick();
        });
      return queued;
    },
    start(intervalMs) {
      startedEvery = intervalMs;
      if (pauses > 0) return;
      stopRepeating ??= repeatEvery(
        intervalMs,
        () => simulator.tick(),
        (error) => logger?.error({ err: error }, 'simulator: tick failed'),
      );
    },
    async stop() {
      startedEvery = undefined;
      stopRepeating?.();
      stopRepeating = undefined;
      await Promise.allSettled([current, queued]);
    },
    async paused(work) {
      pauses++;
      stopRepeating?.();
      stopRepeating = undefined;
      try {
        await Promise.allSettled([current, queued]);
        return await work();
      } finally {
        pauses--;
        if (pauses === 0 && startedEvery !== undefined) simulator.start(startedEvery);
      }
    },
  };
  return simulator;
}
