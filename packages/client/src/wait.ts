/**
 * Polling a task until it reaches a status: the API has no push, so `getJob` every interval,
 * until the status is one of `until`, the deadline passes (TimeoutError) or the caller aborts.
 */
import { FINISHED_STATUSES, type JobDetail, type JobStatus } from '@ddm-jobs/contract/wire';
import { TimeoutError } from './errors.js';
import { sleep } from './retry.js';
import type { CallOptions } from './transport.js';

export interface WaitOptions {
  /** The statuses to wait for; by default the finished ones (Completed, Failed, CancelSuccess, RollbackSuccess). */
  until?: readonly JobStatus[];
  /** Give up with a TimeoutError after this long (wall-clock ms); by default wait without limit. */
  timeoutMs?: number;
  /** Between two polls, in ms; 2000 by default. */
  intervalMs?: number;
  signal?: AbortSignal;
}

/** waitForJob's pause between two polls, unless `intervalMs` says otherwise. */
export const WAIT_INTERVAL_MS = 2_000;

const nonNegative = (value: number | undefined, what: string): void => {
  if (value !== undefined && !(Number.isFinite(value) && value >= 0)) {
    throw new TypeError(`${what} must be a finite number of milliseconds, 0 or more`);
  }
};

/**
 * Polls with `getJob` until the task's status is in `options.until`.
 *
 * @example const done = await waitFor((o) => client.getJob(id, o), id, { timeoutMs: 600_000 })
 */
export async function waitFor(
  getJob: (options: CallOptions) => Promise<JobDetail>,
  jobId: string,
  options: WaitOptions = {},
): Promise<JobDetail> {
  nonNegative(options.timeoutMs, 'timeoutMs');
  nonNegative(options.intervalMs, 'intervalMs');
  const until: ReadonlySet<string> = options.until ? new Set(options.until) : FINISHED_STATUSES;
  if (until.size === 0) throw new TypeError('until must name at least one status');
  const { signal, timeoutMs } = options;
  if (signal?.aborted) throw signal.reason;
  // One signal for the polls and the pauses: the caller's abort, or the deadline's TimeoutError.
  const controller = new AbortController();
  const onAbort = () => controller.abort(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  const timer =
    timeoutMs === undefined
      ? undefined
      : setTimeout(
          () =>
            controller.abort(
              new TimeoutError(
                `task ${jobId} did not reach ${[...until].join(', ')} within ${timeoutMs} ms`,
                timeoutMs,
              ),
            ),
          timeoutMs,
        );
  try {
    for (;;) {
      const job = await getJob({ signal: controller.signal });
      if (until.has(job.status)) return job;
      await sleep(options.intervalMs ?? WAIT_INTERVAL_MS, controller.signal);
    }
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}
