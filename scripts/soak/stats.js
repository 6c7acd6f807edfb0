/** The soak's figures: latency percentiles and counts per window of time, per kind, and RSS. */

const MINUTE_MS = 60_000;

/**
 * One answer the load counted: when it was sent (ms after the start), its kind, its latency (NaN
 * for a long-poll, whose wait is no latency) and whether it was the expected one.
 *
 * @typedef {[at: number, kind: string, latencyMs: number, ok: boolean]} Sample
 */

/**
 * One sample of the server's resident set, `at` ms after the load started, with the CPU seconds
 * the server and the whole machine had used by then.
 *
 * @typedef {object} RssSample
 * @property {number} at
 * @property {number} mb
 * @property {number} serverCpu
 * @property {number} machineBusy
 */

/** @typedef {{ p50: number; p95: number; p99: number }} Percentiles */

/** @typedef {{ requests: number; failed: number; latencies: number[] }} Tally */

/**
 * @param {ArrayLike<number>} sorted ascending
 * @param {number} q between 0 and 1
 * @returns {number}
 */
export const quantile = (sorted, q) =>
  sorted.length === 0
    ? Number.NaN
    : (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN);

/**
 * p50/p95/p99 of latencies (NaN, the long-polls' waits, left out).
 *
 * @param {number[]} latencies
 * @returns {Percentiles}
 */
function percentiles(latencies) {
  const sorted = Float64Array.from(latencies.filter((ms) => !Number.isNaN(ms))).sort();
  return { p50: quantile(sorted, 0.5), p95: quantile(sorted, 0.95), p99: quantile(sorted, 0.99) };
}

/**
 * Which window a request sent `at` ms after the start falls in: 0 the warm-up, then minute 1, 2, ...
 *
 * @param {number} at
 * @param {number} warmupMs
 * @returns {number}
 */
export const windowOf = (at, warmupMs) => (at < warmupMs ? 0 : 1 + Math.floor((at - warmupMs) / MINUTE_MS));

/**
 * Samples [sinceStartMs, kind, latencyMs, ok] into windows (the warm-up, then each minute of
 * load) and kinds (the whole run, warm-up included).
 *
 * @param {Sample[]} samples
 * @param {{ warmupMs: number; endMs: number; lags: number[] }} options `lags`: how late each
 *   arrival went against the schedule, ms
 */
export function summarize(samples, { warmupMs, endMs, lags }) {
  // A window without samples stays a hole, which Array.from below reads as undefined.
  /** @type {(Tally | undefined)[]} */
  const windows = [];
  /** @type {Record<string, Tally>} */
  const kinds = {};
  for (const [at, kind, ms, ok] of samples) {
    // A long-poll answered after the last arrival counts in the last window.
    const w = windowOf(Math.min(at, endMs - 1), warmupMs);
    windows[w] ??= { requests: 0, failed: 0, latencies: [] };
    windows[w].requests++;
    if (!ok) windows[w].failed++;
    windows[w].latencies.push(ms);
    kinds[kind] ??= { requests: 0, failed: 0, latencies: [] };
    kinds[kind].requests++;
    if (!ok) kinds[kind].failed++;
    kinds[kind].latencies.push(ms);
  }
  const lagSorted = Float64Array.from(lags).sort();
  return {
    windows: Array.from(windows, (w, i) => ({
      window: i,
      fromMs: i === 0 ? 0 : warmupMs + (i - 1) * MINUTE_MS,
      toMs: i === 0 ? warmupMs : warmupMs + i * MINUTE_MS,
      requests: w?.requests ?? 0,
      failed: w?.failed ?? 0,
      ...percentiles(w?.latencies ?? []),
    })),
    kinds: Object.fromEntries(
      Object.entries(kinds).map(([kind, k]) => [
        kind,
        { requests: k.requests, failed: k.failed, ...percentiles(k.latencies) },
      ]),
    ),
    scheduleLagMs: { p99: quantile(lagSorted, 0.99), max: lagSorted.at(-1) ?? Number.NaN },
  };
}

/** @param {number[]} values */
const mean = (values) => values.reduce((sum, v) => sum + v, 0) / values.length;

/**
 * Resident-set growth after the warm-up: the mean of the samples of the first 30 s after it
 * against the mean of the last 30 s (means, so one sample at a garbage-collection peak does not
 * decide). Shorter runs compare their first and last quarters. Undefined with fewer than two
 * samples after the warm-up.
 *
 * @param {RssSample[]} rss
 * @param {number} warmupMs
 * @param {number} endMs
 * @returns {{ baselineMb: number; finalMb: number; percent: number } | undefined}
 */
export function rssGrowth(rss, warmupMs, endMs) {
  const after = rss.filter((s) => s.at >= warmupMs && s.at <= endMs);
  if (after.length < 2) return undefined;
  const span = Math.min(30_000, (endMs - warmupMs) / 4);
  const first = after.filter((s) => s.at < warmupMs + span);
  const last = after.filter((s) => s.at > endMs - span);
  const baseline = mean((first.length > 0 ? first : after.slice(0, 1)).map((s) => s.mb));
  const final = mean((last.length > 0 ? last : after.slice(-1)).map((s) => s.mb));
  return { baselineMb: baseline, finalMb: final, percent: ((final - baseline) / baseline) * 100 };
}

/**
 * The RSS of each window (at its end: the last sample in it; and its highest), and the cores the
 * server and the whole machine kept busy between its first and last samples. NaN without samples.
 *
 * @param {RssSample[]} rss
 * @param {number} fromMs
 * @param {number} toMs
 * @returns {{ endMb: number; maxMb: number; serverCores: number; machineCores: number }}
 */
export function rssOfWindow(rss, fromMs, toMs) {
  const inside = rss.filter((s) => s.at >= fromMs && s.at <= toMs);
  const first = inside[0];
  const last = inside.at(-1);
  if (first === undefined || last === undefined)
    return { endMb: Number.NaN, maxMb: Number.NaN, serverCores: Number.NaN, machineCores: Number.NaN };
  const seconds = (last.at - first.at) / 1000;
  return {
    endMb: last.mb,
    maxMb: Math.max(...inside.map((s) => s.mb)),
    serverCores: seconds > 0 ? (last.serverCpu - first.serverCpu) / seconds : Number.NaN,
    machineCores: seconds > 0 ? (last.machineBusy - first.machineBusy) / seconds : Number.NaN,
  };
}
