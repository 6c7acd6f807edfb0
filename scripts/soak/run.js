/**
 * `npm run soak`: sustained mixed traffic against a real `ddm-jobs serve` at a fixed rate.
 *
 *   node scripts/soak/run.js [--minutes 10] [--rate 200] [--warmup-seconds 60]
 *                            [--database sqlite|postgres] [--streams 2] [--seed 2000] [--json FILE]
 *
 * Starts the server on a temporary data folder with a declared tenant and producer, records a
 * week of tasks, then a separate load process sends the mix (mix.js) at `--rate` requests a second
 * for the warm-up and `--minutes` more, while a feed long-poller and SSE consumers stay connected
 * (consumers.js). The server's resident set is sampled every 5 s. Prints per-minute windows
 * (requests, failed, p50/p95/p99, RSS) and the RSS growth after the warm-up.
 *
 * Exit 1 when any request got an answer other than the expected one, or the server died; for runs
 * of 10 minutes or more also when RSS grew 10 % or more after the warm-up (shorter runs report it).
 */
import { fork } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { cpuSecondsOf, machineBusySeconds, memoryOf } from '../process-stats.js';
import { seedTasks, tokens as signInBoth } from './seed.js';
import { PROJECT, startSoakServer } from './server.js';
import { rssGrowth, rssOfWindow } from './stats.js';

/** @typedef {import('./load.js').LoadResult} LoadResult */
/** @typedef {import('./load.js').LoadMessage} LoadMessage */
/** @typedef {import('./stats.js').RssSample} RssSample */

/**
 * The run's report, as --json writes it and print shows it.
 *
 * @typedef {object} Summary
 * @property {string} database
 * @property {number} rate
 * @property {number} warmupSeconds
 * @property {number} minutes
 * @property {number} arrivals
 * @property {number} failed
 * @property {LoadResult['failures']} failures
 * @property {(LoadResult['windows'][number] & { rss: ReturnType<typeof rssOfWindow> })[]} windows
 * @property {LoadResult['kinds']} kinds
 * @property {LoadResult['feed']} feed
 * @property {LoadResult['streams']} streams
 * @property {LoadResult['mix']} mix
 * @property {LoadResult['scheduleLagMs']} scheduleLagMs
 * @property {number} loadCores
 * @property {{ samples: RssSample[]; growth: ReturnType<typeof rssGrowth>; peakMb: number }} rss
 * @property {boolean} serverDied
 * @property {string} serverLog its last output
 */

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    rate: { type: 'string', default: '200' },
    'warmup-seconds': { type: 'string', default: '60' },
    database: { type: 'string', default: 'sqlite' },
    streams: { type: 'string', default: '2' },
    seed: { type: 'string', default: '2000' },
    json: { type: 'string' },
  },
});
/** @param {'minutes' | 'rate' | 'streams' | 'seed'} name */
const positive = (name) => {
  const n = Number(values[name]);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number`);
  return n;
};
const minutes = positive('minutes');
const rate = positive('rate');
const warmupSeconds = Number(values['warmup-seconds']);
const streams = Math.floor(positive('streams'));
const seedCount = Math.floor(positive('seed'));
if (values.database !== 'sqlite' && values.database !== 'postgres')
  throw new Error('--database must be sqlite or postgres');
const GROWTH_GOAL_PERCENT = 10;
const RSS_EVERY_MS = 5_000;

/** @param {string} line */
const log = (line) => process.stderr.write(`${line}\n`);
/**
 * @param {number} n
 * @param {number} [digits]
 */
const fixed = (n, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '-');

// Interrupted: exit through the 'exit' listeners, which kill the server and remove its data.
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => process.exit(130));

log(`soak: ${values.database}, ${rate} requests/s, ${warmupSeconds} s warm-up + ${minutes} min`);
const server = await startSoakServer({ database: values.database });
/** @type {import('node:child_process').ChildProcess | undefined} */
let loadProcess;
try {
  const tokens = await signInBoth(server.url);
  const seededIds = await seedTasks(server.url, tokens.worker, seedCount);
  log(`soak: server ${server.url} (pid ${server.pid}), ${seededIds.length} tasks seeded`);

  // A constant, which the callbacks below know is set; `loadProcess` is for `finally`.
  const load = fork(new URL('./load.js', import.meta.url), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  loadProcess = load;
  /** @type {RssSample[]} */
  const rss = [];
  /** @type {number} */
  let started;
  /** @type {NodeJS.Timeout | undefined} */
  let sampler;
  /** @type {LoadResult} */
  const result = await new Promise((resolve, reject) => {
    // load.js tells the instant the load started, then its figures or its error.
    load.on('message', (/** @type {LoadMessage} */ message) => {
      if ('started' in message) {
        started = message.started;
        const sample = () => {
          if (!server.alive()) return;
          rss.push({
            at: Date.now() - started,
            mb: memoryOf(server.pid).rssMb,
            serverCpu: cpuSecondsOf(server.pid),
            machineBusy: machineBusySeconds(),
          });
        };
        sample();
        sampler = setInterval(sample, RSS_EVERY_MS);
        return;
      }
      if (message.ok) resolve(message.result);
      else reject(new Error(`the load process failed: ${message.error}`));
    });
    load.once('exit', (code) => reject(new Error(`the load process exited (${code}) before answering`)));
    load.send(
      /** @satisfies {import('./load.js').LoadJob} */ ({
        url: server.url,
        projectId: PROJECT.id,
        tokens,
        seededIds,
        rate,
        warmupSeconds,
        seconds: minutes * 60,
        streams,
      }),
    );
  });
  clearInterval(sampler);
  const serverDied = !server.alive();

  const endMs = (warmupSeconds + minutes * 60) * 1000;
  const windows = result.windows.map((w) => ({ ...w, rss: rssOfWindow(rss, w.fromMs, w.toMs) }));
  const growth = rssGrowth(rss, warmupSeconds * 1000, endMs);
  /** @type {Summary} */
  const summary = {
    database: values.database,
    rate,
    warmupSeconds,
    minutes,
    arrivals: result.arrivals,
    failed: result.failed,
    failures: result.failures,
    windows,
    kinds: result.kinds,
    feed: result.feed,
    streams: result.streams,
    mix: result.mix,
    scheduleLagMs: result.scheduleLagMs,
    loadCores: result.loadCores,
    rss: { samples: rss, growth, peakMb: Math.max(...rss.map((s) => s.mb)) },
    serverDied,
    serverLog: server.output().slice(-20_000),
  };
  if (values.json) writeFileSync(values.json, JSON.stringify(summary, null, 2));
  print(summary);

  const growthFails = minutes >= 10 && growth !== undefined && growth.percent >= GROWTH_GOAL_PERCENT;
  process.exitCode = result.failed > 0 || serverDied || growthFails ? 1 : 0;
} finally {
  loadProcess?.kill();
  await server.stop();
}

/** @param {Summary} s */
function print(s) {
  /** @param {string} line */
  const out = (line) => process.stdout.write(`${line}\n`);
  out('');
  out(
    '| window | requests | failed | p50 ms | p95 ms | p99 ms | RSS at end MB | RSS max MB | server cores | machine cores |',
  );
  out('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const w of s.windows) {
    const label = w.window === 0 ? `warm-up (${s.warmupSeconds} s)` : `minute ${w.window}`;
    out(
      `| ${label} | ${w.requests} | ${w.failed} | ${fixed(w.p50)} | ${fixed(w.p95)} | ${fixed(w.p99)} | ` +
        `${fixed(w.rss.endMb)} | ${fixed(w.rss.maxMb)} | ${fixed(w.rss.serverCores, 2)} | ${fixed(w.rss.machineCores, 2)} |`,
    );
  }
  out('');
  out(`| kind | requests | failed | p50 ms | p99 ms |`);
  out(`|---|---:|---:|---:|---:|`);
  for (const [kind, k] of Object.entries(s.kinds))
    out(`| ${kind} | ${k.requests} | ${k.failed} | ${fixed(k.p50)} | ${fixed(k.p99)} |`);
  out('');
  for (const stream of s.streams)
    out(`stream ${stream.path}: ${stream.events} events, ${stream.connections} connections`);
  out(`feed long-poll: ${s.feed.polls} polls, ${s.feed.events} events`);
  out(`load process: ${fixed(s.loadCores, 2)} cores busy`);
  out(`schedule lag: p99 ${fixed(s.scheduleLagMs.p99)} ms, max ${fixed(s.scheduleLagMs.max)} ms`);
  const g = s.rss.growth;
  out(
    g
      ? `RSS after warm-up: ${fixed(g.baselineMb)} MB -> ${fixed(g.finalMb)} MB (${fixed(g.percent)} %, goal < ${GROWTH_GOAL_PERCENT} %), peak ${fixed(s.rss.peakMb)} MB`
      : 'RSS growth: too few samples',
  );
  out(`failed requests: ${s.failed}${s.serverDied ? ' (the server died)' : ''}`);
  for (const f of s.failures.slice(0, 10))
    out(`  ${f.at} ms ${f.kind} ${f.method} ${f.path}: ${f.status} ${f.detail}`);
}
