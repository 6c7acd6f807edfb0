import { setTimeout as delay } from 'node:timers/promises';
import { openPostgresStore, type Store } from '@ddm-jobs/server';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newJob } from '../support/new-job.js';
import { dropSchema, freshSchema, TEST_DATABASE_URL } from '../support/stores.js';

const NOW = Date.UTC(2026, 10, 28, 12, 0, 0);
const url = TEST_DATABASE_URL as string;
const task = newJob(1, { projectId: 'p1', createdAt: NOW - 60_000 });

/**
 * PostgreSQL delivers a feed entry once every transaction older than its writer's has ended (the
 * horizon). A read waits for those in flight, a second at most: a consumer reading after a write
 * finds it, and a transaction left open longer holds back what follows it, nothing more.
 */
describe.skipIf(!TEST_DATABASE_URL)('the PostgreSQL feed beside an older transaction still running', () => {
  let schema: string;
  let store: Store;
  let elder: pg.Client;

  beforeEach(async () => {
    schema = freshSchema();
    store = await openPostgresStore({ url, schema });
    elder = new pg.Client({ connectionString: url });
    await elder.connect();
    // A transaction with an id, older than the write to come: another node's write in flight.
    await elder.query('BEGIN');
    await elder.query('SELECT pg_current_xact_id()');
  });
  afterEach(async () => {
    await elder.end();
    await store.close();
    await dropSchema(url, schema);
  });

  it('gives a reader the write it follows once the older transaction ends', async () => {
    await store.recordJob(task, NOW);
    const started = Date.now();
    const [events] = await Promise.all([
      store.eventsAfter(0, 10),
      delay(200).then(() => elder.query('COMMIT')),
    ]);
    expect(events.map((e) => e.job?.id)).toEqual([task.id]);
    // It was held back until then: an entry above the horizon is never delivered early.
    expect(Date.now() - started).toBeGreaterThanOrEqual(195);
  });

  it('tells the newest cursor as the write once the older transaction ends', async () => {
    await store.recordJob(task, NOW);
    const [newest] = await Promise.all([
      store.lastEventCursor(),
      delay(100).then(() => elder.query('COMMIT')),
    ]);
    const [entry] = await store.eventsAfter(0, 10);
    expect(newest).toBe(entry?.cursor);
  });

  it('holds a write back a second at most while the older transaction stays open, then delivers it', async () => {
    await store.recordJob(task, NOW);
    const started = Date.now();
    expect(await store.eventsAfter(0, 10)).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(995);
    const newestMeanwhile = await store.lastEventCursor();
    await elder.query('COMMIT');
    const [entry] = await store.eventsAfter(0, 10);
    expect(entry?.job?.id).toBe(task.id);
    // A consumer starting from the newest cursor told meanwhile misses nothing.
    expect(newestMeanwhile).toBeLessThan(entry?.cursor as number);
  });
});
