import { describe, expect, it } from 'vitest';
import { windowSegments } from '../../packages/server/src/store/listing/window-segments.js';

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

describe('window segments', () => {
  it('cover the window exactly, without gaps or overlaps, newest first', () => {
    const start = 5 * DAY + 3 * HOUR + 7 * MIN + 1234;
    const end = 12 * DAY + 22 * HOUR + 59 * MIN + 999;
    const segments = windowSegments(start, end);
    expect(segments[0]?.to).toBe(end + 1);
    expect(segments.at(-1)?.from).toBe(start);
    for (let i = 1; i < segments.length; i++) expect(segments[i]?.to).toBe(segments[i - 1]?.from);
  });

  it('use whole days, hours and minutes with at most two raw edges', () => {
    const segments = windowSegments(DAY + 30_000, 40 * DAY + 30_000);
    expect(segments.filter((s) => s.level === undefined)).toHaveLength(2);
    expect(segments.filter((s) => s.level === 2)).toHaveLength(1);
    expect(segments.length).toBeLessThanOrEqual(7);
  });

  it('count a sub-minute window row by row', () => {
    expect(windowSegments(1000, 2000)).toEqual([{ from: 1000, to: 2001, level: undefined }]);
  });
});
