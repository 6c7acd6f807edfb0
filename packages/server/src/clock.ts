/**
 * The one source of "now" for domain code (design principle 2): the 30-day rule, token expiry,
 * timestamps. The emulator's virtual clock fills the same interface.
 */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
