/**
 * Scenario `large`: list latency flat in tenant size. One connection, one request at a time: the
 * median of a 30-day-window page at offset 0 with 1,000 tasks, at offset 0 with 1,000,000 tasks,
 * and at offset 500,000 of those; then the same with the list's filters (`status=Failed`, a tenth
 * of the tasks, at offset 0 and 50,000; `name=EnlargeNode`, a sixth); then the server's resident
 * set. For diagnosis, the three unfiltered pages are timed through store.listJobs alone, in this
 * process, without HTTP.
 */
import { newId } from '@ddm-jobs/server';
import { memoryOf } from '../scripts/process-stats.js';
import { insertManyTasks } from './bulk-insert.js';
import { pidOf, runLoadJob, startApiServer, stopChild } from './children.js';
import { issueToken } from './http-client.js';
import { THIRTY_DAYS_MS } from './list-request.js';
import { int, ms, ratio, row } from './report.js';
import { recordTasks, seedIdentities, withDataDir, withStore } from './seed.js';

/** @import { Store } from '@ddm-jobs/server' */
/** @import { PathResult, SequentialResult } from './load.js' */
/** @import { Outcome } from './report.js' */

const SMALL = 1_000;
const LARGE = 1_000_000;
const DEEP_OFFSET = 500_000;
/** Half of the large project's failed tasks (seed.js fails one task in ten). */
const DEEP_FILTERED_OFFSET = 50_000;
const ROUNDS = { warmup: 30, requests: 300 };

/**
 * @param {{ serverExecArgv: string[] }} options node options of the server child
 * @returns {Promise<Outcome>}
 */
export async function largeTenant({ serverExecArgv }) {
  return withDataDir('large', async (dir) => {
    const small = { id: newId(), name: 'bench-small' };
    const large = { id: newId(), name: 'bench-large' };
    const seedNow = Date.now();
    await withStore({ dataDir: dir }, async (store) => {
      await seedIdentities(store, [small, large], ['te_admin']);
      await recordTasks(store, small.id, SMALL, THIRTY_DAYS_MS, seedNow);
    });
    const seedStarted = performance.now();
    insertManyTasks(dir, large.id, LARGE, THIRTY_DAYS_MS, seedNow);
    const seedSeconds = (performance.now() - seedStarted) / 1000;

    const api = await startApiServer({ dataDir: dir }, serverExecArgv);
    let timed;
    let memory;
    try {
      const { url } = api;
      const smallToken = await issueToken(url, small.id);
      const largeToken = await issueToken(url, large.id);
      const window = `start_time=${Date.now() - THIRTY_DAYS_MS + 60_000}&end_time=${Date.now()}&limit=10`;
      timed = await runLoadJob({
        kind: 'sequential',
        url,
        ...ROUNDS,
        paths: [
          { label: 'small@0', path: `/v3/${small.id}/jobs?${window}&offset=0`, token: smallToken },
          { label: 'large@0', path: `/v3/${large.id}/jobs?${window}&offset=0`, token: largeToken },
          {
            label: 'large@deep',
            path: `/v3/${large.id}/jobs?${window}&offset=${DEEP_OFFSET}`,
            token: largeToken,
          },
          {
            label: 'small failed@0',
            path: `/v3/${small.id}/jobs?${window}&status=Failed`,
            token: smallToken,
          },
          {
            label: 'large failed@0',
            path: `/v3/${large.id}/jobs?${window}&status=Failed`,
            token: largeToken,
          },
          {
            label: 'large failed@deep',
            path: `/v3/${large.id}/jobs?${window}&status=Failed&offset=${DEEP_FILTERED_OFFSET}`,
            token: largeToken,
          },
          {
            label: 'small name@0',
            path: `/v3/${small.id}/jobs?${window}&name=EnlargeNode`,
            token: smallToken,
          },
          {
            label: 'large name@0',
            path: `/v3/${large.id}/jobs?${window}&name=EnlargeNode`,
            token: largeToken,
          },
        ],
      });
      memory = memoryOf(pidOf(api.child));
    } finally {
      await stopChild(api.child);
    }
    const direct = await withStore({ dataDir: dir }, (store) => timeStoreAlone(store, small.id, large.id));
    return summarize(timed, memory, seedSeconds, direct);
  });
}

/**
 * Median µs of store.listJobs itself for the same three pages (no HTTP, no auth, no rendering).
 *
 * @param {Store} store
 * @param {string} smallId
 * @param {string} largeId
 * @returns {Promise<number[]>}
 */
async function timeStoreAlone(store, smallId, largeId) {
  const end = Date.now();
  const start = end - THIRTY_DAYS_MS + 60_000;
  /** @type {[projectId: string, offset: number][]} */
  const cases = [
    [smallId, 0],
    [largeId, 0],
    [largeId, DEEP_OFFSET],
  ];
  /** @type {number[][]} */
  const samples = cases.map(() => []);
  for (let round = 0; round < ROUNDS.warmup + ROUNDS.requests; round++) {
    for (const [i, [projectId, offset]] of cases.entries()) {
      const t = process.hrtime.bigint();
      await store.listJobs(projectId, start, end, offset, 10);
      if (round >= ROUNDS.warmup) samples[i]?.push(Number(process.hrtime.bigint() - t) / 1000);
    }
  }
  return samples.map((s) => Float64Array.from(s).sort()[Math.floor(s.length / 2)] ?? Number.NaN);
}

/**
 * @param {SequentialResult} timed
 * @param {{ rssMb: number; peakMb: number }} memory
 * @param {number} seedSeconds
 * @param {number[]} direct
 * @returns {Outcome}
 */
function summarize(timed, memory, seedSeconds, direct) {
  const s = 'large';
  const [smallAt0, largeAt0, largeDeep, smallFailed, largeFailed, largeFailedDeep, smallName, largeName] =
    timed.paths;
  if (
    !smallAt0 ||
    !largeAt0 ||
    !largeDeep ||
    !smallFailed ||
    !largeFailed ||
    !largeFailedDeep ||
    !smallName ||
    !largeName
  )
    throw new Error(`large: ${timed.paths.length} pages timed, not 8`);
  const [directSmall = Number.NaN, directLarge = Number.NaN, directDeep = Number.NaN] = direct;
  const failures = [];
  if (timed.failures > 0) failures.push(`large: ${timed.failures} answers were not 200`);
  for (const p of timed.paths) {
    if (p.returned !== 10) failures.push(`large: ${p.label} returned ${p.returned} tasks, not 10`);
  }
  const r0 = largeAt0.median / smallAt0.median;
  const rDeep = largeDeep.median / smallAt0.median;
  const rOffset = largeDeep.median / largeAt0.median;
  /** @param {number} n */
  const us = (n) => `${int(n)} µs`;
  return {
    rows: [
      row(
        s,
        `median, 1,000 tasks, offset 0 (total ${int(smallAt0.total ?? Number.NaN)})`,
        ms(smallAt0.median),
      ),
      row(
        s,
        `median, 1,000,000 tasks, offset 0 (total ${int(largeAt0.total ?? Number.NaN)})`,
        ms(largeAt0.median),
      ),
      row(s, `median, 1,000,000 tasks, offset ${int(DEEP_OFFSET)}`, ms(largeDeep.median)),
      row(s, 'ratio 1,000,000 / 1,000 tasks, offset 0', ratio(r0), 'at most 2', r0 <= 2),
      row(
        s,
        `ratio 1,000,000 tasks offset ${int(DEEP_OFFSET)} / 1,000 tasks`,
        ratio(rDeep),
        'at most 2',
        rDeep <= 2,
      ),
      row(
        s,
        `ratio offset ${int(DEEP_OFFSET)} / offset 0 (1,000,000 tasks)`,
        ratio(rOffset),
        'at most 2',
        rOffset <= 2,
      ),
      ...filteredRows(s, { smallFailed, largeFailed, largeFailedDeep, smallName, largeName }),
      row(
        s,
        'server resident set (VmRSS) after',
        `${memory.rssMb.toFixed(0)} MB`,
        'under 200 MB',
        memory.rssMb < 200,
      ),
      row(s, 'server peak resident set (VmHWM)', `${memory.peakMb.toFixed(0)} MB`),
      row(
        s,
        'store.listJobs alone, medians (3 cases above)',
        `${direct.map(us).join(' / ')} (ratios ${ratio(directLarge / directSmall)}, ${ratio(directDeep / directSmall)})`,
      ),
      row(s, 'seeding 1,000,000 tasks (one transaction)', `${seedSeconds.toFixed(1)} s`),
    ],
    failures,
    notes: [
      `large: one connection, ${ROUNDS.warmup} warm-up rounds then ${ROUNDS.requests} rounds over the eight pages ` +
        `(round-robin); window start 30 days ago less a minute, limit 10; p90 ${timed.paths.map((p) => ms(p.p90)).join(' / ')}.`,
    ],
  };
}

/**
 * The filtered pages' medians and their ratios to the same filter on 1,000 tasks: status and name
 * are answered from kept counts, so they too should not grow with the project.
 *
 * @param {string} s
 * @param {Record<'smallFailed' | 'largeFailed' | 'largeFailedDeep' | 'smallName' | 'largeName', PathResult>} pages
 */
function filteredRows(s, { smallFailed, largeFailed, largeFailedDeep, smallName, largeName }) {
  const totals = (/** @type {PathResult} */ p) => int(p.total ?? Number.NaN);
  const rFailed = largeFailed.median / smallFailed.median;
  const rFailedDeep = largeFailedDeep.median / smallFailed.median;
  const rName = largeName.median / smallName.median;
  return [
    row(
      s,
      `median, status=Failed, offset 0: 1,000 tasks (${totals(smallFailed)} match) / 1,000,000 (${totals(largeFailed)})`,
      `${ms(smallFailed.median)} / ${ms(largeFailed.median)}`,
    ),
    row(
      s,
      `median, status=Failed, offset ${int(DEEP_FILTERED_OFFSET)} (1,000,000 tasks)`,
      ms(largeFailedDeep.median),
    ),
    row(
      s,
      'ratio status=Failed, 1,000,000 / 1,000 tasks, offset 0',
      ratio(rFailed),
      'at most 2',
      rFailed <= 2,
    ),
    row(
      s,
      `ratio status=Failed, 1,000,000 tasks offset ${int(DEEP_FILTERED_OFFSET)} / 1,000 tasks`,
      ratio(rFailedDeep),
      'at most 2',
      rFailedDeep <= 2,
    ),
    row(
      s,
      `median, name=EnlargeNode, offset 0: 1,000 tasks (${totals(smallName)} match) / 1,000,000 (${totals(largeName)})`,
      `${ms(smallName.median)} / ${ms(largeName.median)}`,
    ),
    row(
      s,
      'ratio name=EnlargeNode, 1,000,000 / 1,000 tasks, offset 0',
      ratio(rName),
      'at most 2',
      rName <= 2,
    ),
  ];
}
