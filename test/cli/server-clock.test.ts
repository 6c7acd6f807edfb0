import { describe, expect, it } from 'vitest';
import { ServerClock } from '../../packages/cli/src/tenant/server-clock.js';

// How the CLI reads the server's clock from an answer's Date header (second precision), in-process:
// the cases a real server cannot be made to show on demand (a skewed machine, a header missing).

const at = (iso: string) => Date.parse(iso);
const httpDate = (iso: string) => new Date(iso).toUTCString();

describe('ServerClock.observe', () => {
  it('keeps this machine’s clock when the Date header agrees with it to the second', () => {
    const clock = new ServerClock();
    const now = Date.now();
    clock.observe(new Date(now).toUTCString(), now - 20, now + 20);
    expect(Math.abs(clock.now() - Date.now())).toBeLessThan(50);
  });

  it('follows a clock months away, at the latest instant the header can mean (a window ending late holds the newest task)', () => {
    const clock = new ServerClock();
    const sent = Date.now();
    clock.observe(httpDate('2026-01-01T05:00:00Z'), sent, sent + 10);
    const estimate = clock.now() - (Date.now() - sent);
    expect(estimate).toBe(at('2026-01-01T05:00:01Z'));
  });

  it('moves with the server: a later answer replaces what an earlier one said', () => {
    const clock = new ServerClock();
    const sent = Date.now();
    clock.observe(httpDate('2026-01-01T05:00:00Z'), sent, sent);
    clock.observe(httpDate('2026-01-01T06:00:00Z'), sent, sent);
    expect(clock.now() - (Date.now() - sent)).toBe(at('2026-01-01T06:00:01Z'));
  });

  it('ignores an answer without a Date header, or with one it cannot read', () => {
    const clock = new ServerClock();
    clock.observe(null, 0, 0);
    clock.observe('yesterday-ish', 0, 0);
    expect(Math.abs(clock.now() - Date.now())).toBeLessThan(50);
  });
});
