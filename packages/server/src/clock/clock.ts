/**
 * The one source of "now" for domain code, so that the emulator can stop and move it and tests
 * never sleep: the 30-day rule, token expiry, timestamps, lockouts, throttling and the simulator.
 * The emulator's virtual clock fills the same interface.
 */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

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
