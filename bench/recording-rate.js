/**
 * Scenarios `record`, `batch` and their PostgreSQL twins: task updates a second through HTTP. A
 * service-role token sends progress reports from 20 connections, rotating over Running tasks with
 * progress values cycling: one report a request (PATCH /internal/v1/jobs/{id}), or 100 a request
 * (POST /internal/v1/jobs/batch). With `nodes: 2` (PostgreSQL), two servers share the database and
 * the load, each on its own tasks, after one node alone on the same data: does a second node add
 * writes? Afterwards the store's versions are checked against the answers.
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
/** @import { Outcome, Row } from './report.js' */

const LOAD = { connections: 20, seconds: 5, warmupSeconds: 1 };
/** Updates a second (bench/README.md, "Targets"): 20,000 on SQLite, 5,000 on PostgreSQL. */
const TARGETS = { sqlite: 20_000, postgres: 5_000 };

/**
 * @typedef {object} RecordingOptions
 * @property {string[]} serverExecArgv node options of the server children
 * @property {Database} [database]
 * @property {string} [label] the scenario's name in the report
 * @property {number} [batch] reports a request: 1 (PATCH) or more (the batch route)
 * @property {1 | 2} [nodes] servers sharing the database and the load
 */

/**
 * @param {RecordingOptions} options
 * @returns {Promise<Outcome>}
 */
export async function recordingRate({
  serverExecArgv,
  database = 'sqlite',
  label = 'record',
  batch = 1,
  nodes = 1,
}) {
  // Enough tasks that the reports in flight at once touch each task once: 20 requests of 100.
  const tasks = batch > 1 ? 4_000 : 1_000;
  return withDataDir(label, async (dir) => {
    const location = await locationFor(database, dir);
    const project = { id: newId(), name: 'bench-record' };
    const ids = await withStore(location, async (store) => {
      await seedIdentities(store, [project], ['te_admin', 'service']);
      return recordTasks(store, project.id, tasks, DAY_MS, Date.now(), 'Running');
    });
    const servers = await Promise.all(
      Array.from({ length: nodes }, () => startApiServer(location, serverExecArgv)),
    );
    /** @type {WatchedResult[]} */
    let alone = [];
    /** @type {WatchedResult[]} */
    let together = [];
    try {
      const tokens = await Promise.all(servers.map((server) => issueToken(server.url, project.id)));
      /**
       * @param {number} i the server
       * @param {number} of servers loaded at once, sharing the connections and the tasks
       */
      const job = (i, of) => ({
        kind: /** @type {const} */ ('record'),
        url: servers[i]?.url ?? '',
        token: tokens[i] ?? '',
        ids: ids.filter((_, n) => n % of === i),
        batch,
        ...LOAD,
        connections: LOAD.connections / of,
      });
      const [first] = servers;
      if (!first) throw new Error('no server');
      alone = [await runLoadJobWatching(job(0, 1), pidOf(first.child))];
      if (nodes === 2) {
        together = await Promise.all(
          servers.map((server, i) => runLoadJobWatching(job(i, 2), pidOf(server.child))),
        );
      }
    } finally {
      await Promise.all(servers.map((server) => stopChild(server.child)));
    }
    const { applied, direct } = await withStore(location, async (store) => ({
      applied: await updatesApplied(store, ids),
      direct: batch === 1 && nodes === 1 ? await reportRateAlone(store, ids) : undefined,
    }));
    return summarize(label, { target: TARGETS[database], batch, alone, together, applied, direct });
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

/** @param {WatchedResult} r */
const answered = (r) => (r.statusCodes['200'] ?? 0) + r.warmup.requests - r.warmup.non2xx;

/**
 * @param {string} s the scenario's name
 * @param {{ target: number; batch: number; alone: WatchedResult[]; together: WatchedResult[];
 *   applied: number; direct: number | undefined }} run
 * @returns {Outcome}
 */
function summarize(s, { target, batch, alone, together, applied, direct }) {
  const runs = [...alone, ...together];
  const failures = [];
  for (const r of runs) {
    const bad = r.non2xx + r.errors + r.timeouts + r.warmup.non2xx + r.warmup.errors;
    if (bad > 0) {
      failures.push(
        `${s}: ${r.non2xx + r.warmup.non2xx} non-2xx answers, ${r.errors + r.warmup.errors} errors, ` +
          `${r.timeouts} timeouts (status counts ${JSON.stringify(r.statusCodes)})`,
      );
    }
  }
  // Requests in flight when a run stops may be applied unanswered: at most one per connection per run.
  const acknowledged = runs.reduce((sum, r) => sum + answered(r), 0) * batch;
  const slack = 2 * LOAD.connections * batch * (together.length > 0 ? 2 : 1);
  if (applied < acknowledged || applied > acknowledged + slack) {
    failures.push(`${s}: the store holds ${applied} updates, the server acknowledged ${acknowledged}`);
  }
  const one = alone[0];
  if (!one) throw new Error(`${s}: no run`);
  const rate = one.rps * batch;
  const what = batch > 1 ? `batches of ${batch} reports` : 'PATCH progress reports';
  /** @type {Row[]} */
  const rows = [
    row(s, `${what}: updates/s`, int(rate), `${int(target)}/s`, rate >= target),
    row(s, 'latency p50 / p99 (a request)', `${ms(one.p50)} / ${ms(one.p99)}`),
    row(
      s,
      'server CPU per update',
      `${int((one.serverCpu * 1e6) / ((one.requests + one.warmup.requests) * batch))} µs`,
    ),
    row(
      s,
      'cores busy during the run',
      `server ${one.serverBusy.toFixed(2)}, load generator ${one.loadBusy.toFixed(2)}, others ${one.othersBusy.toFixed(2)}`,
    ),
  ];
  if (together.length > 0) {
    const both = together.reduce((sum, r) => sum + r.rps * batch, 0);
    rows.push(
      row(
        s,
        'two nodes on one database: updates/s',
        int(both),
        `more than one node (${int(rate)})`,
        both > rate,
      ),
      row(
        s,
        'cores busy during the two-node run',
        together
          .map((r, i) => `node ${i + 1} ${r.serverBusy.toFixed(2)}`)
          .concat(`others ${(together[0]?.othersBusy ?? 0).toFixed(2)}`)
          .join(', '),
      ),
    );
  }
  rows.push(row(s, 'updates acknowledged / found in the store', `${int(acknowledged)} / ${int(applied)}`));
  if (direct !== undefined) rows.push(row(s, 'producer.report alone, in-process: updates/s', int(direct)));
  const noisy = runs.filter((r) => r.othersBusy >= 0.25 && together.length === 0);
  return {
    rows,
    failures,
    notes: [
      ...(noisy.length > 0
        ? [
            `${s}: other processes kept ${noisy[0]?.othersBusy.toFixed(2)} cores busy during the run: the rate is noisy.`,
          ]
        : []),
      `${s}: ${LOAD.connections} connections, ${LOAD.warmupSeconds} s warm-up then ${LOAD.seconds} s, ` +
        `rotating over Running tasks, ${batch > 1 ? `${batch} reports a request` : 'body {"progress":N}'}` +
        `${together.length > 0 ? '; then two nodes at once, 10 connections each, each on half of the tasks' : ''}.`,
    ],
  };
}
