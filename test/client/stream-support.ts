import type { DdmClient, StreamedEvent, StreamJobsOptions } from '@ddm-jobs/client';
import { expect } from 'vitest';
import { internal } from '../support/api.js';
import { feedGauges } from '../support/feed.js';
import type { TestServer } from '../support/harness.js';

/** Helpers of the tenant-stream suites: open a stream for real, read from it, change tasks. */

/** A producer's report on a task through the internal API (a status, progress, a reason). */
export async function report(server: TestServer, id: string, change: Record<string, unknown>): Promise<void> {
  const response = await internal(server, 'PATCH', `/internal/v1/jobs/${id}`, change);
  expect(response.statusCode, response.body).toBe(200);
}

/** The next `count` events; fails if the stream ends first. */
export async function take(events: AsyncIterator<StreamedEvent>, count: number): Promise<StreamedEvent[]> {
  const taken: StreamedEvent[] = [];
  while (taken.length < count) {
    const next = await events.next();
    if (next.done) throw new Error(`the stream ended after ${taken.length} of ${count} events`);
    taken.push(next.value);
  }
  return taken;
}

export interface OpenStream {
  events: AsyncIterableIterator<StreamedEvent>;
  /** The first `next()`, which opened the connection. */
  first: Promise<IteratorResult<StreamedEvent>>;
}

/**
 * Opens a stream (its first `next()`) and waits until the server follows the feed for it
 * (`waiters` streams in all), so that every change made from now on reaches it.
 */
export async function openStream(
  client: DdmClient,
  server: TestServer,
  options: StreamJobsOptions = {},
  waiters = 1,
): Promise<OpenStream> {
  const events = client.streamJobs(options);
  const first = events.next();
  // A stream refused at once fails the test with its own error, not the waiters' timeout.
  const refused = first.then(
    () => false,
    () => true,
  );
  const deadline = Date.now() + 5_000;
  while ((await feedGauges(server)).waiters !== waiters) {
    if (await Promise.race([refused, pause(10).then(() => false)])) await first;
    if (Date.now() > deadline) throw new Error(`the server follows the feed for no stream of ${waiters}`);
  }
  return { events, first };
}

export const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Rejections that nobody handled while `work` ran (and a moment after). */
export async function unhandledDuring(work: () => Promise<void>): Promise<unknown[]> {
  const unhandled: unknown[] = [];
  const note = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', note);
  try {
    await work();
    await pause(100);
  } finally {
    process.off('unhandledRejection', note);
  }
  return unhandled;
}
