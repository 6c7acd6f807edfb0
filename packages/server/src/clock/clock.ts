/**
 * The one source of "now" for domain code, so that the emulator can stop and move it and tests
 * never sleep: the 30-day rule, token expiry, signature dates, timestamps and the simulator.
 * The emulator's virtual clock fills the same interface. Rate limits and access-key lockouts
 * guard against callers in real time, so they follow a real clock whatever this one shows.
 */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/**
 * Real time that only moves forward, whatever the machine's clock is set to: what rate limits
 * measure, since they count requests per second of the caller's time. Its origin is arbitrary.
 */
export const monotonicClock: Clock = { now: () => performance.now() };

/** Latest instant a clock may show: the largest a JavaScript date holds. */
export const MAX_CLOCK_MS = 8_640_000_000_000_000;

/**
 * The emulator's clock: it stands still until moved (`--clock virtual`, `POST /internal/v1/clock`).
 * It may be set backwards; tasks created "later" then simply lie in the future.
 */
export class VirtualClock implements Clock {
  #now: number;

  constructor(start: number) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  advance(ms: number): number {
    return this.set(this.#now + ms);
  }

  set(ms: number): number {
    if (!Number.isSafeInteger(ms) || ms < 0 || ms > MAX_CLOCK_MS) throw new RangeError(`bad instant ${ms}`);
    this.#now = ms;
    return this.#now;
  }
}

export function isVirtualClock(clock: Clock): clock is VirtualClock {
  return clock instanceof VirtualClock;
}
