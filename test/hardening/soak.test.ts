import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO, runToEnd } from '../support/processes.js';

// The short soak: `scripts/soak/run.js` for one minute after a 10 s warm-up against a real
// `ddm-jobs serve` (the built CLI), every kind of traffic at once. It asserts outcomes only
// (every answer the expected one, every consumer served): speeds and memory are the full run's
// figures (docs/hardening.md), not something a shared CI machine can promise.

interface Summary {
  failed: number;
  failures: unknown[];
  serverDied: boolean;
  kinds: Record<string, { requests: number; failed: number }>;
  feed: { polls: number; events: number };
  streams: { path: string; events: number; connections: number }[];
  windows: { window: number; requests: number }[];
  rss: { samples: unknown[]; growth?: { percent: number } };
}

const dir = mkdtempSync(join(tmpdir(), 'ddm-jobs-soak-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('one minute of mixed traffic at a fixed rate', () => {
  it('answers every request as expected, runs every kind of traffic and feeds every consumer', async () => {
    const json = join(dir, 'soak.json');
    const run = await runToEnd(
      process.execPath,
      [
        'scripts/soak/run.js',
        '--minutes',
        '1',
        '--warmup-seconds',
        '10',
        '--rate',
        '100',
        '--seed',
        '500',
        '--json',
        json,
      ],
      { cwd: REPO },
    );
    const summary = JSON.parse(readFileSync(json, 'utf8')) as Summary;
    const context = `${run.stdout}\n${run.stderr}`;

    expect(summary.failures, context).toEqual([]);
    expect(summary.failed).toBe(0);
    expect(summary.serverDied).toBe(false);
    expect(run.code, context).toBe(0);

    for (const kind of ['list', 'read', 'record', 'progress', 'action', 'feed']) {
      expect(summary.kinds[kind]?.requests ?? 0, kind).toBeGreaterThan(0);
    }
    expect(summary.feed.events).toBeGreaterThan(0);
    // Two tenant streams and the internal feed as a stream, each fed what the load recorded.
    expect(summary.streams).toHaveLength(3);
    for (const stream of summary.streams) expect(stream.events, stream.path).toBeGreaterThan(0);
    // The warm-up and the minute are reported apart, with the memory samples the growth is from.
    expect(summary.windows.map((w) => w.window)).toEqual([0, 1]);
    expect(summary.rss.growth).toBeDefined();
  }, 300_000);
});
