import {
  backoffDelay,
  DdmApiError,
  NetworkError,
  parseRetryAfter,
  retryDelay,
  TimeoutError,
} from '@ddm-jobs/client';
import { describe, expect, it } from 'vitest';

const fixed = (value: number) => () => value;
const busy = (retryAfterMs?: number) =>
  new DdmApiError(503, 'APIGW.0202', 'Backend unavailable', 'r1', {}, retryAfterMs);

describe('the backoff between retries', () => {
  it('grows as 250 ms × 2^attempt, capped at 8 s, at its ceiling', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7, 12].map((n) => backoffDelay(n, fixed(0.999999)))).toEqual([
      249, 499, 999, 1999, 3999, 7999, 7999, 7999, 7999,
    ]);
  });

  it('is full jitter: anywhere from 0 to the ceiling, as the random draw says', () => {
    expect(backoffDelay(3, fixed(0))).toBe(0);
    expect(backoffDelay(3, fixed(0.5))).toBe(1000);
    expect(backoffDelay(3, fixed(0.25))).toBe(500);
  });

  it('spreads clients refused at once: real draws differ and stay under the ceiling', () => {
    const delays = Array.from({ length: 200 }, () => backoffDelay(4));
    expect(new Set(delays).size).toBeGreaterThan(50);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...delays)).toBeLessThan(4000);
  });
});

describe('Retry-After', () => {
  it('reads delta seconds and HTTP dates (from the answer’s own Date), never negative', () => {
    expect(parseRetryAfter('1', 0)).toBe(1000);
    expect(parseRetryAfter(' 120 ', 0)).toBe(120_000);
    const date = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:05 GMT', date)).toBe(5000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:27:00 GMT', date)).toBe(0);
  });

  it('ignores what it cannot read', () => {
    expect(parseRetryAfter(null, 0)).toBeUndefined();
    expect(parseRetryAfter('soon', 0)).toBeUndefined();
    expect(parseRetryAfter('-1', 0)).toBeUndefined();
  });

  it('wins over the backoff when the server gave it, capped at a minute', () => {
    expect(retryDelay(busy(2000), 0, fixed(0.999))).toBe(2000);
    expect(retryDelay(busy(0), 5, fixed(0.999))).toBe(0);
    expect(retryDelay(busy(3_600_000), 0, fixed(0.999))).toBe(60_000);
    expect(retryDelay(busy(), 2, fixed(0.5))).toBe(500);
    expect(retryDelay(new NetworkError('down', undefined), 1, fixed(0.5))).toBe(250);
    expect(retryDelay(new TimeoutError('slow', 10), 0, fixed(1))).toBe(250);
  });
});
