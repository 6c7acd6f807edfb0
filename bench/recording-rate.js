/**
 * Scenario `record`: task updates a second through HTTP. A service-role token sends progress
 * reports (PATCH /internal/v1/jobs/{id}) from 20 connections, rotating over 1,000 Running tasks
 * with progress values cycling. Afterwards the store's versions are checked against the answers.
 */
import { createProducer, newId, systemClock } from '@ddm-jobs/server';
import { pidOf, runLoadJobWatching, startApiServer, stopChild } from './children.js';
import { locationFor } from './database.js';
import { issueToken } from './http-client.js';
import { int, ms, row } from './report.js';
import { DAY_MS, recordTasks, seedIdentities, withDataDir, withStore } from './seed.js';

/** @import { Store } from '@ddm-jobs/server' */
/** @import { WatchedResult } from './children.js' */
/** @import { Database } from './database.js' */
/** @import { Outcome } from './report.js' */

const TASKS = 1_000;
const LOAD = { connections: 20, seconds: 5, warmupSeconds: 1 };
/** Updates a second (bench/README.md, "Targets"): 20,000 on SQLite, 5,000 on PostgreSQL. */
const TARGETS = { sqlite: 20_000, postgres: 5_000 };

/**
 * @param {{ serverExecArgv: string[]; database?: Database; label?: string }} options
 *   node options of the server child; the database; the scenario's name in the report
 * @returns {Promise<Outcome>}
 */
export async function recordingRate({ serverExecArgv, database = 'sqlite', label = 'record' }) {
  return withDataDir(label, async (dir) => {
    const location = await locationFor(database, dir);
    const project = { id: newId(), name: 'bench-record' };
    const ids = await withStore(location, async (store) => {
      await seedIdentities(store, [project], ['te_admin', 'service']);
      return recordTasks(store, project.id, TASKS, DAY_MS, Date.now(), 'Running');
    });

    const api = await startApiServer(location, serverExecArgv);
    let result;
    try {
      const { url } = api;
      const token = await issueToken(url, project.id);
      result = await runLoadJobWatching({ kind: 'record', url, token, ids, ...LOAD }, pidOf(api.child));
    } finally {
      await stopChild(api.child);
    }
    const { applied, direct } = await withStore(location, async (store) => ({
      applied: await updatesApplied(store, ids),
      direct: await reportRateAlone(store, ids),
    }));
    return summarize(label, TARGETS[database], result, applied, direct);
  });
}

/**
 * Every applied update raised a task's version by one.
 *
 * @param {Store} store
 * @param {string[]} ids
 */
async function updatesApplied(store, ids) {
  let applied = 0;
  for (const id of ids) {
    const job = await store.getJob(id);
    if (!job) throw new Error(`task ${id} is gone from the store`);
    applied += job.version - 1;
  }
  return applied;
}

/**
 * Reports a second through the producer alone (validation, read, compare-and-set), no HTTP.
 *
 * @param {Store} store
 * @param {string[]} ids
 */
async function reportRateAlone(store, ids) {
  const producer = createProducer(store, systemClock);
  const started = performance.now();
  let n = 0;
  while (performance.now() - started < 1_000) {
    const id = ids[n % ids.length];
    if (id === undefined) throw new Error('no task to report on');
    await producer.report(id, { progress: Math.floor(n / ids.length) % 101 });
    n++;
  }
  return (n * 1000) / (performance.now() - started);
}

/**
 * @param {string} s the scenario's name
 * @param {number} target updates a second
 * @param {WatchedResult} r
 * @param {number} applied
 * @param {number} direct
 * @returns {Outcome}
 */
function summarize(s, target, r, applied, direct) {
  const answered = r.statusCodes['200'] ?? 0;
  const warmupAnswered = r.warmup.requests - r.warmup.non2xx;
  const failures = [];
  const bad = r.non2xx + r.errors + r.timeouts + r.warmup.non2xx + r.warmup.errors;
  if (bad > 0) {
    failures.push(
      `${s}: ${r.non2xx + r.warmup.non2xx} non-2xx answers, ${r.errors + r.warmup.errors} errors, ` +
        `${r.timeouts} timeouts (status counts ${JSON.stringify(r.statusCodes)})`,
    );
  }
  // Requests in flight when a run stops may be applied unanswered: at most one per connection per run.
  const acknowledged = answered + warmupAnswered;
  if (applied < acknowledged || applied > acknowledged + 2 * LOAD.connections) {
    failures.push(`${s}: the store holds ${applied} updates, the server acknowledged ${acknowledged}`);
  }
  return {
    rows: [
      row(s, 'PATCH progress reports: updates/s', int(r.rps), `${int(target)}/s`, r.rps >= target),
      row(s, 'latency p50 / p99', `${ms(r.p50)} / ${ms(r.p99)}`),
      row(s, 'server CPU per update', `${int((r.serverCpu * 1e6) / (r.requests + r.warmup.requests))} µs`),
      row(
        s,
        'cores busy during the run',
        `server ${r.serverBusy.toFixed(2)}, load generator ${r.loadBusy.toFixed(2)}, others ${r.othersBusy.toFixed(2)}`,
      ),
      row(s, 'updates acknowledged / found in the store', `${int(acknowledged)} / ${int(applied)}`),
      row(s, 'producer.report alone, in-process: updates/s', int(direct)),
    ],
    failures,
    notes: [
      ...(r.othersBusy >= 0.25
        ? [
            `${s}: other processes kept ${r.othersBusy.toFixed(2)} cores busy during the run: the rate is noisy.`,
          ]
        : []),
      `${s}: ${LOAD.connections} connections, ${LOAD.warmupSeconds} s warm-up then ${LOAD.seconds} s, ` +
        `rotating over ${int(TASKS)} Running tasks, body {"progress":N}.`,
    ],
  };
}
