/**
 * Scenario `list`: requests a second of GET /v3/{project}/jobs (50 connections, limit=10, a real
 * token, 1,000 tasks, every request with its own window start and offset) against a bare Node
 * http server answering a constant body of the same size, same load generator, same run.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { newId } from '@ddm-jobs/server';
import { pidOf, runLoadJobWatching, startApiServer, startChild, stopChild } from './children.js';
import { locationFor } from './database.js';
import { getText, issueToken } from './http-client.js';
import { listPathMaker, THIRTY_DAYS_MS } from './list-request.js';
import { int, ms, ratio, row } from './report.js';
import { DAY_MS, recordTasks, seedIdentities, withDataDir, withStore } from './seed.js';

/** @import { StartedChild, WatchedResult } from './children.js' */
/** @import { Database } from './database.js' */
/** @import { ListJob } from './load.js' */
/** @import { Outcome } from './report.js' */

const TASKS = 1_000;
const SPAN_MS = 29 * DAY_MS;
const LOAD = { connections: 50, seconds: 10, warmupSeconds: 2 };

/**
 * What each database's listing should reach against bare Node in the same run: requests/s ratio,
 * and on SQLite (the node alone on its cores) server CPU per request at most 2.5 times bare's.
 * PostgreSQL shares the two cores with the node and the load generator, hence its lower bar.
 *
 * @type {Record<Database, { ratio: number; cpuTimes?: number }>}
 */
const TARGETS = { sqlite: { ratio: 0.5, cpuTimes: 2.5 }, postgres: { ratio: 0.25 } };

/**
 * @param {{ serverExecArgv: string[]; database?: Database; label?: string }} options
 *   node options of the server child; the database; the scenario's name in the report
 * @returns {Promise<Outcome>}
 */
export async function listThroughput({ serverExecArgv, database = 'sqlite', label = 'list' }) {
  return withDataDir(label, async (dir) => {
    const location = await locationFor(database, dir);
    const project = { id: newId(), name: 'bench-list' };
    const seedNow = Date.now();
    await withStore(location, async (store) => {
      await seedIdentities(store, [project], ['te_admin']);
      await recordTasks(store, project.id, TASKS, SPAN_MS, seedNow);
    });
    const spec = { projectId: project.id, seedNow, spacing: SPAN_MS / TASKS, maxOffset: 990, limit: 10 };

    const api = await startApiServer(location, serverExecArgv);
    /** @type {StartedChild | undefined} */
    let bare;
    try {
      const { url } = api;
      const token = await issueToken(url, project.id);
      // The generated requests answer full pages: checked on a few before loading.
      const nextPath = listPathMaker(spec);
      for (let i = 0; i < 20; i++) {
        /** @type {{ jobs: unknown[] }} */
        const page = JSON.parse(await getText(url, nextPath(), token));
        if (page.jobs.length !== 10)
          throw new Error(`a generated request answered ${page.jobs.length} tasks`);
      }
      const start = Date.now() - THIRTY_DAYS_MS + 60_000;
      const sample = await getText(
        url,
        `/v3/${project.id}/jobs?start_time=${start}&end_time=${Date.now()}&limit=10`,
        token,
      );
      const bodyFile = join(dir, 'bare-body.json');
      await writeFile(bodyFile, sample);

      bare = await startChild('bare-server.js', [bodyFile]);
      // bare-server.js announces { url, pid }.
      const announced = bare.message;
      const bareUrl =
        typeof announced === 'object' && announced !== null && 'url' in announced ? announced.url : undefined;
      if (typeof bareUrl !== 'string')
        throw new Error(`bare-server.js announced no URL: ${JSON.stringify(announced)}`);
      /** @type {Omit<ListJob, 'url'>} */
      const job = { kind: 'list', token, ...spec, ...LOAD };
      const baseline = await runLoadJobWatching({ ...job, url: bareUrl }, pidOf(bare.child));
      await stopChild(bare.child);
      const measured = await runLoadJobWatching({ ...job, url }, pidOf(api.child));
      return summarize(label, TARGETS[database], measured, baseline, Buffer.byteLength(sample));
    } finally {
      if (bare) await stopChild(bare.child);
      await stopChild(api.child);
    }
  });
}

/**
 * Server CPU µs per answered request, warm-up included (the CPU was measured over both).
 *
 * @param {WatchedResult} run
 */
const cpuPerRequest = (run) => (run.serverCpu * 1e6) / (run.requests + run.warmup.requests);
/** @param {WatchedResult} run */
const busy = (run) =>
  `server ${run.serverBusy.toFixed(2)}, load generator ${run.loadBusy.toFixed(2)}, others ${run.othersBusy.toFixed(2)}`;

/**
 * What makes this run's requests/s less telling, said in the report.
 *
 * @param {string} s the scenario's name
 * @param {WatchedResult} api
 * @param {WatchedResult} bare
 * @returns {string[]}
 */
function caveats(s, api, bare) {
  const notes = [];
  if (bare.loadBusy >= 0.9) {
    notes.push(
      `${s}: the load generator was the limit of the bare run (${bare.loadBusy.toFixed(2)} cores): bare's ` +
        "requests/s understates bare Node, so the requests/s ratio flatters ddm-jobs; the CPU-per-request ratio doesn't.",
    );
  }
  const others = Math.max(api.othersBusy, bare.othersBusy);
  if (others >= 0.25) {
    notes.push(
      `${s}: other processes kept up to ${others.toFixed(2)} cores busy during the runs: requests/s and latencies are noisy.`,
    );
  }
  return notes;
}

/**
 * @param {string} s the scenario's name
 * @param {{ ratio: number; cpuTimes?: number }} target
 * @param {WatchedResult} api
 * @param {WatchedResult} bare
 * @param {number} bodyBytes
 * @returns {Outcome}
 */
function summarize(s, target, api, bare, bodyBytes) {
  const r = api.rps / bare.rps;
  const apiCpu = cpuPerRequest(api);
  const bareCpu = cpuPerRequest(bare);
  const failures = [];
  for (const [name, run] of /** @satisfies {[string, WatchedResult][]} */ ([
    ['ddm-jobs', api],
    ['bare', bare],
  ])) {
    const bad = run.non2xx + run.errors + run.timeouts + run.warmup.non2xx + run.warmup.errors;
    if (bad > 0) {
      failures.push(
        `${s}: ${name} had ${run.non2xx + run.warmup.non2xx} non-2xx answers, ${run.errors + run.warmup.errors} errors, ` +
          `${run.timeouts} timeouts (status counts ${JSON.stringify(run.statusCodes)})`,
      );
    }
  }
  return {
    rows: [
      row(s, 'bare Node http: requests/s', int(bare.rps)),
      row(s, 'bare Node http: latency p50 / p99', `${ms(bare.p50)} / ${ms(bare.p99)}`),
      row(s, 'ddm-jobs: requests/s', int(api.rps)),
      row(s, 'ddm-jobs: latency p50 / p99', `${ms(api.p50)} / ${ms(api.p99)}`),
      row(
        s,
        'ddm-jobs: requests (non-2xx)',
        `${int(api.requests)} (${int(api.non2xx)})`,
        '0 non-2xx',
        api.non2xx === 0,
      ),
      row(s, 'ratio ddm-jobs / bare (requests/s)', ratio(r), `at least ${target.ratio}`, r >= target.ratio),
      row(s, 'server CPU per request ddm-jobs / bare', `${int(apiCpu)} µs / ${int(bareCpu)} µs`),
      target.cpuTimes === undefined
        ? row(s, 'ddm-jobs / bare (CPU per request)', `${ratio(apiCpu / bareCpu)}×`)
        : row(
            s,
            'ddm-jobs / bare (CPU per request)',
            `${ratio(apiCpu / bareCpu)}×`,
            `at most ${target.cpuTimes}×`,
            apiCpu / bareCpu <= target.cpuTimes,
          ),
      row(s, 'cores busy during ddm-jobs run', busy(api)),
      row(s, 'cores busy during bare run', busy(bare)),
      row(
        s,
        'response bytes ddm-jobs / bare',
        `${int(api.bytesPerResponse)} / ${int(bare.bytesPerResponse)}`,
      ),
    ],
    failures,
    notes: [
      ...caveats(s, api, bare),
      `${s}: ${LOAD.connections} connections, ${LOAD.warmupSeconds} s warm-up then ${LOAD.seconds} s each; ` +
        `the bare server's body is a real 10-task page (${int(bodyBytes)} bytes); bytes per response include headers. ` +
        "CPU per request is the server's CPU time over its requests (warm-up included): unlike requests/s, it " +
        'hardly depends on what else runs on the machine ("others" in cores busy).',
    ],
  };
}
