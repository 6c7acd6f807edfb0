import type { ServiceApi } from './service-api.js';

/** An instant: epoch milliseconds, a Date, or an ISO 8601 string with its zone. */
export type Instant = number | Date | string;

export function toEpochMs(instant: Instant): number {
  const ms =
    instant instanceof Date ? instant.getTime() : typeof instant === 'string' ? Date.parse(instant) : instant;
  if (!Number.isSafeInteger(ms) || ms < 0) throw new TypeError(`not an instant: ${String(instant)}`);
  return ms;
}

interface ClockAnswer {
  now: number;
  virtual: boolean;
}

/**
 * The emulator's clock. A virtual clock stands still until it is moved, so the helper knows
 * where it is without asking (it sets the start itself and reads every move's answer): `now()`
 * is synchronous, as a client's `now` option must be. A real clock's `now()` is this machine's.
 */
export class EmulatorClock {
  #now: number;

  constructor(
    private readonly api: ServiceApi,
    /** Whether the emulator runs on the virtual clock. */
    readonly virtual: boolean,
    start: number,
  ) {
    this.#now = start;
  }

  /** Now on the emulator's clock, epoch ms (as last moved or read: see `read`). */
  now = (): number => (this.virtual ? this.#now : Date.now());

  /** Moves the virtual clock forward by `ms`; answers the new instant once scenarios caught up. */
  async advance(ms: number): Promise<number> {
    return this.#move({ advance_ms: ms });
  }

  /** Sets the virtual clock to an instant; answers it once scenarios caught up. */
  async set(instant: Instant): Promise<number> {
    return this.#move({ set: toEpochMs(instant) });
  }

  /** Asks the emulator (after someone else moved its clock, e.g. another process); answers now. */
  async read(): Promise<number> {
    const answer = await this.api.call<ClockAnswer>('GET', '/internal/v1/clock');
    this.#now = answer.now;
    return this.now();
  }

  async #move(body: { advance_ms: number } | { set: number }): Promise<number> {
    const answer = await this.api.call<ClockAnswer>('POST', '/internal/v1/clock', body);
    this.#now = answer.now;
    return answer.now;
  }
}
