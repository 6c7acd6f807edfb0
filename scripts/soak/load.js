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

process.once('message', async (job) => {
  try {
    process.send({ ok: true, result: await run(job) });
  } catch (error) {
    process.send({ ok: false, error: String(error?.stack ?? error) });
  }
});
// Orphaned (the orchestrator died): stop.
process.once('disconnect', () => process.exit(1));

async function run({ url, projectId, tokens, seededIds, rate, warmupSeconds, seconds, streams }) {
  const t0 = Date.now();
  const cpuBefore = process.cpuUsage();
  process.send({ started: t0 });
  const samples = []; // [sinceStartMs, kind, latencyMs, ok]
  const failures = [];
  let failed = 0;
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
  const inFlight = new Set();
  const totalMs = (warmupSeconds + seconds) * 1000;
  const lags = [];
  let k = 0;
  const start = performance.now();
  await new Promise((resolve) => {
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
  });
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
