import type { DdmClient } from '@ddm-jobs/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DAY } from '../support/api.js';
import { feedGauges, feedWaiters } from '../support/feed.js';
import { startTestServer, type TestServer } from '../support/harness.js';
import { openStream, pause, report, take, unhandledDuring } from './stream-support.js';
import {
  clientFor,
  closeListening,
  countingFetch,
  DATABASE,
  INSTANCE,
  listen,
  recordMigration,
  rejection,
} from './support.js';

/**
 * `streamJobs`: ddm-jobs' tenant stream read through the SDK, against a real server over real
 * HTTP: what it yields, resuming after an event, and how it ends (the server, an abort, a break).
 * Each test has its own server, as several move its clock or count its streams.
 */
let server: TestServer;
let url: string;
let client: DdmClient;
beforeEach(async () => {
  // Short keep-alives, so that the server notices an expired token at once.
  server = await startTestServer({ feed: { pollMs: 20, keepAliveMs: 20 } });
  url = await listen(server);
  client = await clientFor('token', url, server);
});
afterEach(() => closeListening(server));

/** The tenant stream's ids: opaque, one length, resumable, telling nothing of other projects. */
const OPAQUE_ID = /^[A-Za-z0-9_-]{23}$/;

describe('streamJobs yields', () => {
  it('a task recorded through the internal API and its changes, each as the list shows it, with its id', async () => {
    const { events, first } = await openStream(client, server);
    const task = await recordMigration(server, { status: 'Running', progress: 10 });
    const running = await client.findJob(task.id);
    await report(server, task.id, { status: 'Failed', fail_reason: 'disk full' });
    const failing = await client.findJob(task.id);
    expect(running).toMatchObject({ status: 'Running', process: '10%' });
    expect(failing).toMatchObject({ status: 'Failed', fail_reason: 'disk full' });
    const created = await first;
    const [failed] = await take(events, 1);
    expect(created.value).toEqual({
      id: expect.stringMatching(OPAQUE_ID),
      event: { type: 'created', job: running },
    });
    expect(failed).toEqual({
      id: expect.stringMatching(OPAQUE_ID),
      event: { type: 'changed', job: failing },
    });
    expect(failed?.id).not.toBe(created.value?.id);
    await events.return?.();
  });

  it('the change a cancel through the SDK made: the task in Canceling, no action left', async () => {
    const task = await recordMigration(server, { status: 'Running', progress: 30 });
    const { events, first } = await openStream(client, server);
    await client.cancelMigration({ jobId: task.id, instanceId: INSTANCE, dbName: DATABASE });
    expect((await first).value?.event).toEqual({
      type: 'changed',
      job: await client.findJob(task.id),
    });
    expect((await first).value?.event.job).toMatchObject({ status: 'Canceling', operations: [] });
    await events.return?.();
  });

  it('only after the first next(), and calls onOpen once the server took it, before any event', async () => {
    const seen: string[] = [];
    const events = client.streamJobs({ onOpen: () => seen.push('open') });
    await pause(50);
    expect((await feedGauges(server)).waiters).toBe(0);
    const first = events.next();
    await expect.poll(() => seen).toEqual(['open']);
    // Nothing made after onOpen is missed, with no other wait.
    const task = await recordMigration(server);
    const { value } = await first;
    seen.push(`${value?.event.type} ${value?.event.job?.id}`);
    expect(seen).toEqual(['open', `created ${task.id}`]);
    await events.return?.();
  });
});

describe('streamJobs resumes', () => {
  it('after lastEventId with only the later events, each once, also of tasks created meanwhile', async () => {
    const task = await recordMigration(server, { status: 'Running', progress: 0 });
    const before = await openStream(client, server);
    await report(server, task.id, { progress: 10 });
    const last = (await before.first).value;
    await before.events.return?.();
    await feedWaiters(server, 0);

    await report(server, task.id, { progress: 20 });
    const other = await recordMigration(server);
    await report(server, task.id, { progress: 30 });
    const resumed = client.streamJobs({ lastEventId: last?.id as string });
    const missed = await take(resumed, 3);
    expect(missed.map(({ event }) => [event.type, event.job?.id, event.job?.process])).toEqual([
      ['changed', task.id, '20%'],
      ['created', other.id, '0%'],
      ['changed', task.id, '30%'],
    ]);
    expect(missed.map((e) => e.id)).not.toContain(last?.id);
    // And then what happens next: nothing of the gap twice.
    const next = await recordMigration(server);
    const [after] = await take(resumed, 1);
    expect(after?.event).toMatchObject({ type: 'created', job: { id: next.id } });
    await resumed.return?.();
  });
});

describe('streamJobs ends', () => {
  it('with a StreamEndedError token_expired when the server ends the stream at the token’s expiry', async () => {
    const { events, first } = await openStream(client, server);
    server.clock.advance(DAY);
    expect(await rejection(first)).toMatchObject({ name: 'StreamEndedError', reason: 'token_expired' });
    expect(await events.next()).toEqual({ done: true, value: undefined });
    await feedWaiters(server, 0);
  });

  it("at once on abort while it waits, rejecting with the signal's reason, the connection closed, nothing unhandled", async () => {
    const unhandled = await unhandledDuring(async () => {
      const controller = new AbortController();
      const { events, first } = await openStream(client, server, { signal: controller.signal });
      const began = performance.now();
      const reason = new Error('enough');
      controller.abort(reason);
      expect(await rejection(first)).toBe(reason);
      expect(performance.now() - began).toBeLessThan(500);
      expect(await events.next()).toEqual({ done: true, value: undefined });
      await feedWaiters(server, 0);
    });
    expect(unhandled).toEqual([]);
  });

  it('on abort while the caller holds an event: the next call rejects with an AbortError, nothing more read', async () => {
    const unhandled = await unhandledDuring(async () => {
      const controller = new AbortController();
      const { events, first } = await openStream(client, server, { signal: controller.signal });
      await recordMigration(server);
      await recordMigration(server);
      await first;
      controller.abort();
      expect(await rejection(events.next())).toMatchObject({ name: 'AbortError' });
      await feedWaiters(server, 0);
    });
    expect(unhandled).toEqual([]);
  });

  it('before it opens, when the signal is already aborted: nothing sent', async () => {
    const counting = countingFetch();
    const counted = await clientFor('token', url, server, { fetch: counting.fetch });
    const events = counted.streamJobs({ signal: AbortSignal.abort() });
    expect(await rejection(events.next())).toMatchObject({ name: 'AbortError' });
    expect(counting.sent).toEqual([]);
  });

  it('when a for await is left early: the connection is closed', async () => {
    const { events, first } = await openStream(client, server);
    await recordMigration(server);
    const second = await recordMigration(server);
    await first;
    for await (const { event } of events) {
      expect(event.job?.id).toBe(second.id);
      break;
    }
    await feedWaiters(server, 0);
    // Done for good: the iterator does not reopen.
    expect(await events.next()).toEqual({ done: true, value: undefined });
  });
});
