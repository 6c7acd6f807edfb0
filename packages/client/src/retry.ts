/**
 * Which failures are sent again, and when. Only the caller knows whether a request may be sent
 * twice (`retries` is 0 for the non-idempotent actions); here is what is worth sending again:
 * 429, 502, 503, 504, and no answer at all (network failure or an attempt's timeout).
 */
import { isDdmApiError, isNetworkError, isTimeoutError } from './errors.js';

/** The backoff's ceiling before the first retry, doubled for each next one... */
export const BACKOFF_BASE_MS = 250;
/** ...up to this. */
export const BACKOFF_CAP_MS = 8_000;
/** A Retry-After further away than this is not waited for in full: a minute is long enough. */
export const RETRY_AFTER_CAP_MS = 60_000;

const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);

/**
 * Whether a failed attempt is worth repeating.
 *
 * @example isRetryable(new DdmApiError(503, 'APIGW.0202', 'Backend unavailable', 'r1', {})) // true
 */
export function isRetryable(error: unknown): boolean {
  if (isDdmApiError(error)) return RETRYABLE_STATUSES.has(error.status);
  return isNetworkError(error) || isTimeoutError(error);
}

/**
 * Full-jitter exponential backoff (AWS's "full jitter"): a uniformly random delay between 0 and
 * `min(cap, base * 2^attempt)`, so that many clients refused at once do not return at once.
 * `attempt` counts from 0 for the first retry.
 *
 * @example backoffDelay(2, () => 1) // 1000; backoffDelay(2, () => 0.5) // 500
 */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempt));
  return Math.floor(random() * ceiling);
}

/**
 * A `Retry-After` value as milliseconds from `nowMs`: delta seconds, or an HTTP date (measured
 * from the answer's own `Date` when the caller passes it, so clocks need not agree). Undefined
 * when absent or unreadable; never negative.
 *
 * @example parseRetryAfter('2', 0) // 2000
 * @example parseRetryAfter('Wed, 21 Oct 2015 07:28:05 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT')) // 5000
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // An HTTP date starts with the day's name; engines would read much else as some date.
  if (!/^[A-Za-z]{3}[a-z]*,? /.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/**
 * How long to wait before retry number `attempt` (from 0) after `error`: the server's
 * Retry-After when it gave one (at most a minute), else the jittered backoff.
 *
 * @example retryDelay(throttled, 0) // 1000 when the 429 said Retry-After: 1
 */
export function retryDelay(error: unknown, attempt: number, random: () => number = Math.random): number {
  const told = isDdmApiError(error) ? error.retryAfterMs : undefined;
  if (told !== undefined) return Math.min(told, RETRY_AFTER_CAP_MS);
  return backoffDelay(attempt, random);
}

/**
 * Waits `ms`, or rejects with the signal's reason as soon as it aborts.
 *
 * @example await sleep(250, controller.signal)
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Settles as `promise` does, or rejects with the signal's reason as soon as it aborts (the work
 * behind the promise goes on: it is shared, such as a token request other calls wait for).
 *
 * @example const token = await raceAbort(session.pending, options.signal)
 */
export function raceAbort<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

export interface RetryOptions {
  /** Extra attempts after the first; 0 sends once. */
  retries: number;
  signal?: AbortSignal | undefined;
  random?: () => number;
  /** Which failures are worth another attempt; `isRetryable` by default. */
  retryable?: (error: unknown) => boolean;
}

/**
 * Runs `attempt` until it succeeds, fails with an error not worth repeating, or `retries`
 * extra attempts have failed; waits `retryDelay` in between. A caller's abort is never retried.
 *
 * @example await withRetries(() => sendOnce(...), { retries: 3, signal })
 */
export async function withRetries<T>(attempt: () => Promise<T>, options: RetryOptions): Promise<T> {
  for (let n = 0; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      const retryable = options.retryable ?? isRetryable;
      if (options.signal?.aborted || n >= options.retries || !retryable(error)) throw error;
      await sleep(retryDelay(error, n, options.random), options.signal);
    }
  }
}
