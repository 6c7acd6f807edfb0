import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPostgresStore, openSqliteStore, SQLITE_FILE, type Store } from '@ddm-jobs/server';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { newJob } from '../support/new-job.js';
import { dropSchema, freshSchema, TEST_DATABASE_URL } from '../support/stores.js';

/**
 * Migration 9 turns the switch windows stored as two instants (epoch ms, before daily windows)
 * into daily times, seconds of the day of those instants in UTC: in the tasks, in the tasks the
 * change feed and the cleaned tasks' audit records hold, and in the simulator's plans. A window
 * the tenant's rule would refuse (over midnight, shorter than an hour) is kept as it is.
 *
 * The data is written as a server before migration 9 wrote it (the store took the windows' epoch
 * values as they came); the migration is then marked as not applied and the store opened again.
 */
const PROJECT = 'p1';
const NOW = Date.UTC(2026, 10, 28, 12, 0, 0);
const at = (iso: string) => Date.parse(iso);
const HOUR_S = 3600;

/** Old windows (epoch ms) and the daily seconds each must become. */
const OLD = {
  nightly: {
    begin: at('2026-11-29T02:00:00Z'),
    end: at('2026-11-29T04:00:00Z'),
    daily: [2 * HOUR_S, 4 * HOUR_S],
  },
  overMidnight: {
    begin: at('2026-11-28T23:30:00Z'),
    end: at('2026-11-29T01:15:30Z'),
    daily: [23 * HOUR_S + 1800, HOUR_S + 930],
  },
  short: {
    begin: at('2026-11-30T10:00:00Z'),
    end: at('2026-11-30T10:30:00Z'),
    daily: [10 * HOUR_S, 10 * HOUR_S + 1800],
  },
};

const migration = (n: number, window: { begin: number; end: number } | null) =>
  newJob(n, {
    projectId: PROJECT,
    createdAt: NOW - n * 1000,
    name: 'migrateLogicDb',
    status: 'ToBeSwitched',
    databaseName: 'db',
    switchBegin: window?.begin ?? null,
    switchEnd: window?.end ?? null,
  });

/** Writes tasks, a cleaned task and a simulation with old windows; answers their ids. */
async function writeOldData(store: Store) {
  const ids = {
    nightly: migration(1, OLD.nightly).id,
    overMidnight: migration(2, OLD.overMidnight).id,
    short: migration(3, OLD.short).id,
    manual: migration(4, null).id,
    cleaned: migration(5, OLD.nightly).id,
  };
  await store.recordJob(migration(1, OLD.nightly), NOW);
  await store.recordJob(migration(2, OLD.overMidnight), NOW);
  await store.recordJob(migration(3, OLD.short), NOW);
  await store.recordJob(migration(4, null), NOW);
  const cleaned = await store.recordJob(migration(5, OLD.nightly), NOW);
  await store.removeJob(ids.cleaned, cleaned.job.version, NOW, 'user-1');
  const plan = (window: { begin: number | null; end: number | null }) =>
    JSON.stringify({
      v: 1,
      steps: [],
      window: { ...window, since: NOW - 5000 },
      cancel: {},
      rollback: {},
      retry: [],
    });
  await store.saveSimulation({
    jobId: ids.nightly,
    plan: plan({ begin: OLD.nightly.begin, end: OLD.nightly.end }),
    step: 0,
    stepStartedAt: NOW,
  });
  await store.saveSimulation({
    jobId: ids.manual,
    plan: plan({ begin: null, end: null }),
    step: 0,
    stepStartedAt: NOW,
  });
  return ids;
}

async function expectMigrated(store: Store, ids: Awaited<ReturnType<typeof writeOldData>>) {
  const window = async (id: string) => {
    const job = await store.getJob(id);
    return [job?.switchBegin, job?.switchEnd];
  };
  expect(await window(ids.nightly)).toEqual(OLD.nightly.daily);
  // Kept although the tenant's rule would refuse them: a producer may record such a window.
  expect(await window(ids.overMidnight)).toEqual(OLD.overMidnight.daily);
  expect(await window(ids.short)).toEqual(OLD.short.daily);
  expect(await window(ids.manual)).toEqual([null, null]);

  const feed = await store.eventsAfter(0, 100);
  const told = (id: string) =>
    feed.filter((event) => event.job?.id === id).map((e) => [e.job?.switchBegin, e.job?.switchEnd]);
  expect(told(ids.nightly)).toEqual([OLD.nightly.daily]);
  expect(told(ids.overMidnight)).toEqual([OLD.overMidnight.daily]);
  expect(told(ids.manual)).toEqual([[null, null]]);
  expect(told(ids.cleaned)).toEqual([OLD.nightly.daily, OLD.nightly.daily]);

  const removed = await store.findRemovedJob(ids.cleaned);
  expect([removed?.job.switchBegin, removed?.job.switchEnd]).toEqual(OLD.nightly.daily);

  const plans = Object.fromEntries(
    (await store.listSimulations()).map((simulation) => [
      simulation.jobId,
      JSON.parse(simulation.plan).window,
    ]),
  );
  expect(plans[ids.nightly]).toEqual({
    begin: OLD.nightly.daily[0],
    end: OLD.nightly.daily[1],
    since: NOW - 5000,
  });
  expect(plans[ids.manual]).toEqual({ begin: null, end: null, since: NOW - 5000 });
}

const opened: Store[] = [];
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const store of opened.splice(0)) await store.close();
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

describe('stored switch windows made daily (migration 9)', () => {
  it('on SQLite', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ddm-jobs-windows-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const before = openSqliteStore({ dataDir });
    const ids = await writeOldData(before);
    await before.close();
    const db = new BetterSqlite3(join(dataDir, SQLITE_FILE));
    db.prepare('DELETE FROM schema_migrations WHERE version = 9').run();
    db.close();

    const store = openSqliteStore({ dataDir });
    opened.push(store);
    await expectMigrated(store, ids);
  });

  it.skipIf(!TEST_DATABASE_URL)('on PostgreSQL', async () => {
    const url = TEST_DATABASE_URL as string;
    const schema = freshSchema();
    cleanups.push(() => dropSchema(url, schema));
    const before = await openPostgresStore({ url, schema });
    const ids = await writeOldData(before);
    await before.close();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(
        `DELETE FROM ${client.escapeIdentifier(schema)}.schema_migrations WHERE version = 9`,
      );
    } finally {
      await client.end();
    }

    const store = await openPostgresStore({ url, schema });
    opened.push(store);
    await expectMigrated(store, ids);
  });
});
