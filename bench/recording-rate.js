/**
 * Scenario `record`: task updates a second through HTTP. A service-role token sends progress
 * reports (PATCH /internal/v1/jobs/{id}) from 20 connections, rotating over 1,000 Running tasks
 * with progress values cycling. Afterwards the store's versions are checked against the answers.
 */
import { join } from 'node:path';
import { createProducer, newId, SQLITE_FILE, systemClock } from '@ddm-jobs/server';
import BetterSqlite3 from 'better-sqlite3';
import { runLoadJobWatching, startChild, stopChild } from './children.js';
import { issueToken } from './http-client.js';
import { int, ms, row } from './report.js';
import { DAY_MS, recordTasks, seedIdentities, withDataDir, withStore } from './seed.js';

const TASKS = 1_000;
const LOAD = { connections: 20, seconds: 5, warmupSeconds: 1 };
const TARGET = 20_000;

export async function recordingRate({ serverExecArgv }) {
  return withDataDir('record', async (dir) => {
    const project = { id: newId(), name: 'bench-record' };
    const ids = await withStore(dir, async (store) => {
      await seedIdentities(store, [project], ['te_admin', 'service']);
      return recordTasks(store, project.id, TASKS, DAY_MS, Date.now(), 'Running');
    });

    const api = await startChild('api-server.js', [dir], { execArgv: serverExecArgv });
    let result;
    try {
      const { url } = api.message;
      const token = await issueToken(url, project.id);
      result = await runLoadJobWatching({ kind: 'record', url, token, ids, ...LOAD }, api.child.pid);
    } finally {
      await stopChild(api.child);
    }
    const applied = updatesApplied(dir, project.id);
    const direct = await withStore(dir, (store) => reportRateAlone(store, ids));
    return summarize(result, applied, direct);
  });
}

/** Every applied update raised a task's version by one. */
function updatesApplied(dir, projectId) {
  const db = new BetterSqlite3(join(dir, SQLITE_FILE), { readonly: true });
  try {
    return db.prepare('SELECT sum(version - 1) FROM jobs WHERE project_id = ?').pluck().get(projectId);
  } finally {
    db.close();
  }
}

/** Reports a second through the producer alone (validation, read, compare-and-set), no HTTP. */
async function reportRateAlone(store, ids) {
  const producer = createProducer(store, systemClock);
  const started = performance.now();
  let n = 0;
  while (performance.now() - started < 1_000) {
    await producer.report(ids[n % ids.length], { progress: Math.floor(n / ids.length) % 101 });
    n++;
  }
  return (n * 1000) / (performance.now() - started);
}

function summarize(r, applied, direct) {
  const s = 'record';
  const answered = r.statusCodes['200'] ?? 0;
  const warmupAnswered = r.warmup.requests - r.warmup.non2xx;
  const failures = [];
  const bad = r.non2xx + r.errors + r.timeouts + r.warmup.non2xx + r.warmup.errors;
  if (bad > 0) {
    failures.push(
      `record: ${r.non2xx + r.warmup.non2xx} non-2xx answers, ${r.errors + r.warmup.errors} errors, ` +
        `${r.timeouts} timeouts (status counts ${JSON.stringify(r.statusCodes)})`,
    );
  }
  // Requests in flight when a run stops may be applied unanswered: at most one per connection per run.
  const acknowledged = answered + warmupAnswered;
  if (applied < acknowledged || applied > acknowledged + 2 * LOAD.connections) {
    failures.push(`record: the store holds ${applied} updates, the server acknowledged ${acknowledged}`);
  }
  return {
    rows: [
      row(s, 'PATCH progress reports: updates/s', int(r.rps), `${int(TARGET)}/s (SQLite)`, r.rps >= TARGET),
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
            `record: other processes kept ${r.othersBusy.toFixed(2)} cores busy during the run: the rate is noisy.`,
          ]
        : []),
      `record: ${LOAD.connections} connections, ${LOAD.warmupSeconds} s warm-up then ${LOAD.seconds} s, ` +
        `rotating over ${int(TASKS)} Running tasks, body {"progress":N}.`,
    ],
  };
}
