/**
 * Child process: the soak's load, apart from the server it loads. It waits for one job from its
 * parent, tells it the instant the load starts, runs the load and answers with the figures.
 *
 * Open model: arrivals are scheduled by the clock (request k at start + k / rate), whatever the
 * earlier requests are doing, so a slow server meets growing concurrency rather than a gentler
 * load. Latency is measured from the request's start; how late the schedule ran is reported too.
 */
import { feedConsumer, streamConsumer } from './consumers.js';
import { httpClient } from './http.js';
import { createMix } from './mix.js';
import { summarize } from './stats.js';

const MAX_FAILURES_KEPT = 50;

/**
 * The load run.js asks for.
 *
 * @typedef {object} LoadJob
 * @property {string} url the server's base URL
 * @property {string} projectId
 * @property {import('./seed.js').Tokens} tokens
 * @property {string[]} seededIds
 * @property {number} rate arrivals a second
 * @property {number} warmupSeconds
 * @property {number} seconds of load after the warm-up
 * @property {number} streams tenant task streams, besides the internal feed's
 */

/** @typedef {Awaited<ReturnType<typeof run>>} LoadResult */

/**
 * What this process tells run.js: the instant the load started, then the figures or the error.
 *
 * @typedef {{ started: number } | { ok: true; result: LoadResult } | { ok: false; error: string }} LoadMessage
 */

/**
 * A request that got an answer other than the expected one, `at` ms after the start; its detail
 * is the answer's text, cut.
 *
 * @typedef {object} Failure
 * @property {number} at
 * @property {string} kind
 * @property {string} method
 * @property {string} path
 * @property {number} status
 * @property {string} detail
 */

/**
 * Tells run.js, over the IPC channel it forked this process with.
 *
 * @param {LoadMessage} message
 */
function tell(message) {
  if (!process.send) throw new Error('load.js must be forked by run.js: it has no IPC channel');
  process.send(message);
}

process.once('message', async (job) => {
  try {
    // run.js sends one LoadJob.
    tell({ ok: true, result: await run(/** @type {LoadJob} */ (job)) });
  } catch (error) {
    tell({ ok: false, error: String(error instanceof Error ? (error.stack ?? error) : error) });
  }
});
// Orphaned (the orchestrator died): stop.
process.once('disconnect', () => process.exit(1));

/** @param {LoadJob} job */
async function run({ url, projectId, tokens, seededIds, rate, warmupSeconds, seconds, streams }) {
  const t0 = Date.now();
  const cpuBefore = process.cpuUsage();
  tell({ started: t0 });
  /** @type {import('./stats.js').Sample[]} */
  const samples = []; // [sinceStartMs, kind, latencyMs, ok]
  /** @type {Failure[]} */
  const failures = [];
  let failed = 0;
  /** @type {import('./consumers.js').Fail} */
  const fail = (kind, method, path, status, detail) => {
    failed++;
    if (failures.length < MAX_FAILURES_KEPT)
      failures.push({
        at: Date.now() - t0,
        kind,
        method,
        path,
        status,
        detail: String(detail).slice(0, 300),
      });
  };

  /** One request of the mix: resolves with whether the answer was the expected one, and its JSON. */
  const client = httpClient(url);
  /** @type {import('./mix.js').Send} */
  const send = async (kind, { method = 'GET', path, user, body, expect }) => {
    const started = performance.now();
    const at = Date.now() - t0;
    const { status, text } = await client.send({
      method,
      path,
      headers: { 'x-auth-token': tokens[user] },
      body,
    });
    const ok = status === expect;
    samples.push([at, kind, performance.now() - started, ok]);
    if (!ok) fail(kind, method, path, status, text);
    return { ok, status, json: ok && text ? JSON.parse(text) : undefined };
  };

  const stopConsumers = new AbortController();
  /**
   * @param {string} kind
   * @param {boolean} ok
   */
  const count = (kind, ok) => samples.push([Date.now() - t0, kind, Number.NaN, ok]);
  const feed = feedConsumer({ url, token: tokens.worker, stop: stopConsumers.signal, count, fail });
  const consumers = [
    ...Array.from({ length: streams }, () =>
      streamConsumer({
        url,
        token: tokens.tenant,
        path: `/v3/${projectId}/jobs/stream`,
        stop: stopConsumers.signal,
        fail,
      }),
    ),
    streamConsumer({
      url,
      token: tokens.worker,
      path: '/internal/v1/events',
      stop: stopConsumers.signal,
      fail,
    }),
  ];

  const mix = createMix({ projectId, seededIds, send });
  /** @type {Set<Promise<unknown>>} */
  const inFlight = new Set();
  const totalMs = (warmupSeconds + seconds) * 1000;
  /** @type {number[]} */
  const lags = [];
  let k = 0;
  const start = performance.now();
  await /** @type {Promise<void>} */ (
    new Promise((resolve) => {
      const tick = () => {
        const now = performance.now() - start;
        // Every arrival due by now goes, even if the timer woke late.
        while (k / rate <= now / 1000 && (k / rate) * 1000 < totalMs) {
          lags.push(now - (k / rate) * 1000);
          const request = mix.next();
          inFlight.add(request);
          request.finally(() => inFlight.delete(request));
          k++;
        }
        if ((k / rate) * 1000 >= totalMs) return resolve();
        setTimeout(tick, Math.max(0, (k / rate) * 1000 - (performance.now() - start)));
      };
      tick();
    })
  );
  await Promise.allSettled([...inFlight]);
  stopConsumers.abort();
  await Promise.allSettled([feed.done, ...consumers.map((c) => c.done)]);
  client.close();

  const cpu = process.cpuUsage(cpuBefore);
  return {
    started: t0,
    loadCores: (cpu.user + cpu.system) / 1000 / (Date.now() - t0),
    arrivals: k,
    ...summarize(samples, { warmupMs: warmupSeconds * 1000, endMs: totalMs, lags }),
    failed,
    failures,
    feed: feed.state,
    streams: consumers.map((c) => c.state),
    mix: mix.state(),
  };
}
