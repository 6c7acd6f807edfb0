/**
 * Child process: the load generator, apart from the servers it loads. It announces itself, then
 * runs each job its parent sends and answers with the figures:
 *
 * - `list`: autocannon GET /v3/{project}/jobs, every request with its own window and offset;
 * - `record`: autocannon PATCH /internal/v1/jobs/{id} (or batches of reports), rotating over tasks, progress cycling;
 * - `sequential`: one connection, one request at a time, the latency of each given path (each
 *   with its own token).
 */
import { Agent, request } from 'node:http';
import { createRequire } from 'node:module';
import { listPathMaker } from './list-request.js';

/**
 * How hard and how long autocannon loads a server.
 *
 * @typedef {object} CannonLoad
 * @property {string} url the server's base URL
 * @property {number} connections
 * @property {number} seconds measured, after the warm-up
 * @property {number} warmupSeconds
 */

/** @typedef {CannonLoad & import('./list-request.js').ListSpec & { kind: 'list'; token: string }} ListJob */

/**
 * Progress reports, one a request (`batch` absent or 1: PATCH /internal/v1/jobs/{id}) or `batch` a
 * request (POST /internal/v1/jobs/batch), rotating over `ids`.
 *
 * @typedef {CannonLoad & { kind: 'record'; token: string; ids: string[]; batch?: number }} RecordJob
 */

/**
 * @typedef {object} SequentialJob
 * @property {'sequential'} kind
 * @property {string} url the server's base URL
 * @property {number} warmup rounds not measured
 * @property {number} requests rounds measured
 * @property {{ label: string; path: string; token: string }[]} paths
 */

/** @typedef {ListJob | RecordJob | SequentialJob} LoadJob */

/**
 * The figures of an autocannon run (latencies in ms), warm-up apart.
 *
 * @typedef {object} CannonResult
 * @property {number} requests
 * @property {number} seconds
 * @property {number} rps
 * @property {number} p50
 * @property {number} p99
 * @property {number} non2xx
 * @property {number} errors
 * @property {number} timeouts
 * @property {Record<string, number>} statusCodes answers by status code
 * @property {number} loadBusy cores this process kept busy during the run
 * @property {number} loadCpuSeconds CPU seconds this process used since it started
 * @property {number} bytesPerResponse headers included
 * @property {{ requests: number; non2xx: number; errors: number }} warmup
 */

/**
 * One path of a sequential job: latencies in ms; `total` and `returned` from its last answer,
 * undefined if that was no page.
 *
 * @typedef {object} PathResult
 * @property {string} label
 * @property {number} median
 * @property {number} p90
 * @property {number | undefined} total
 * @property {number | undefined} returned
 */

/** @typedef {{ failures: number; paths: PathResult[] }} SequentialResult */

/** @typedef {{ list: CannonResult; record: CannonResult; sequential: SequentialResult }} ResultByKind */

/**
 * What this process answers to a job.
 *
 * @template R
 * @typedef {{ ok: true; result: R } | { ok: false; error: string }} LoadAnswer
 */

/**
 * The parts of autocannon used here (it ships no types). A request as `setupRequest` changes it:
 *
 * @typedef {object} AutocannonRequest
 * @property {string} [path]
 * @property {string} [body]
 */

/**
 * @typedef {object} AutocannonOptions
 * @property {string} url
 * @property {number} connections
 * @property {number} duration seconds
 * @property {string} [method]
 * @property {Record<string, string>} [headers]
 * @property {{ setupRequest: (req: AutocannonRequest) => AutocannonRequest }[]} [requests]
 */

/**
 * @typedef {object} AutocannonResult
 * @property {{ total: number }} requests
 * @property {{ total: number }} throughput bytes
 * @property {number} duration seconds
 * @property {number} non2xx
 * @property {number} errors
 * @property {number} timeouts
 * @property {Record<string, { count: number }>} statusCodeStats
 */

/**
 * A run: awaited for its result; tells of each response (latency in ms) meanwhile.
 *
 * @typedef {PromiseLike<AutocannonResult> & {
 *   on(event: 'response', listener: (client: unknown, status: number, bytes: number, ms: number) => void): unknown
 * }} AutocannonRun
 */

/** @typedef {(options: AutocannonOptions) => AutocannonRun} Autocannon */

// Loaded through require, typed as described above: TypeScript refuses an `import` of an untyped package.
const autocannon = /** @type {Autocannon} */ (createRequire(import.meta.url)('autocannon'));

/**
 * @param {Float64Array} sorted
 * @param {number} q
 */
const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;

/**
 * A short warm-up run, then the measured one; latencies kept at full precision (ms).
 *
 * @param {CannonLoad} job
 * @param {Omit<AutocannonOptions, 'url' | 'connections' | 'duration'>} options
 * @returns {Promise<CannonResult>}
 */
async function cannon(job, options) {
  const base = { url: job.url, connections: job.connections, ...options };
  const warmup = await autocannon({ ...base, duration: job.warmupSeconds });
  /** @type {number[]} */
  const latencies = [];
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const instance = autocannon({ ...base, duration: job.seconds });
  instance.on('response', (_client, _status, _bytes, ms) => latencies.push(ms));
  const r = await instance;
  const cpu = process.cpuUsage(cpuBefore);
  const loadBusy = (cpu.user + cpu.system) / 1000 / (performance.now() - started);
  const all = process.cpuUsage(); // since this process started: its whole share of the machine
  const sorted = Float64Array.from(latencies).sort();
  return {
    requests: r.requests.total,
    seconds: r.duration,
    rps: r.requests.total / r.duration,
    p50: quantile(sorted, 0.5),
    p99: quantile(sorted, 0.99),
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    statusCodes: Object.fromEntries(Object.entries(r.statusCodeStats).map(([code, s]) => [code, s.count])),
    loadBusy,
    loadCpuSeconds: (all.user + all.system) / 1e6,
    bytesPerResponse: r.requests.total > 0 ? r.throughput.total / r.requests.total : 0,
    warmup: { requests: warmup.requests.total, non2xx: warmup.non2xx, errors: warmup.errors },
  };
}

/** @param {ListJob} job */
function listLoad(job) {
  const nextPath = listPathMaker(job);
  return cannon(job, {
    headers: { 'x-auth-token': job.token },
    requests: [
      {
        setupRequest(req) {
          req.path = nextPath();
          return req;
        },
      },
    ],
  });
}

/** @param {RecordJob} job */
function recordLoad(job) {
  let n = 0;
  /** The next task and the progress to report on it: each task's progress cycles 0..100. */
  const next = () => {
    const id = job.ids[n % job.ids.length];
    const progress = Math.floor(n / job.ids.length) % 101;
    n++;
    return { id, progress };
  };
  const size = job.batch ?? 1;
  if (size <= 1) {
    return cannon(job, {
      method: 'PATCH',
      headers: { 'x-auth-token': job.token, 'content-type': 'application/json' },
      requests: [
        {
          setupRequest(req) {
            const { id, progress } = next();
            req.path = `/internal/v1/jobs/${id}`;
            req.body = `{"progress":${progress}}`;
            return req;
          },
        },
      ],
    });
  }
  return cannon(job, {
    method: 'POST',
    headers: { 'x-auth-token': job.token, 'content-type': 'application/json' },
    requests: [
      {
        setupRequest(req) {
          const update = Array.from({ length: size }, next);
          req.path = '/internal/v1/jobs/batch';
          req.body = JSON.stringify({ update });
          return req;
        },
      },
    ],
  });
}

/**
 * @param {Agent} agent
 * @param {string} url
 * @param {string} token
 * @returns {Promise<{ status: number | undefined; body: string; ms: number }>}
 */
function timedGet(agent, url, token) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const req = request(url, { agent, headers: { 'x-auth-token': token } }, (res) => {
      /** @type {Buffer[]} */
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => {
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8'), ms });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * Round-robin over the paths (so drift hits all alike): `warmup` rounds, then `requests` rounds.
 *
 * @param {SequentialJob} job
 * @returns {Promise<SequentialResult>}
 */
async function sequential(job) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  /** @type {number[][]} */
  const samples = job.paths.map(() => []);
  /** @type {({ body: string } | undefined)[]} */
  const last = job.paths.map(() => undefined);
  let failures = 0;
  for (let round = 0; round < job.warmup + job.requests; round++) {
    for (const [i, { path, token }] of job.paths.entries()) {
      const r = await timedGet(agent, `${job.url}${path}`, token);
      if (r.status !== 200) failures++;
      if (round >= job.warmup) samples[i]?.push(r.ms);
      last[i] = r;
    }
  }
  agent.destroy();
  return {
    failures,
    paths: job.paths.map(({ label }, i) => {
      const sorted = Float64Array.from(samples[i] ?? []).sort();
      const answer = last[i];
      if (!answer) throw new Error(`${label}: no answer (no rounds?)`);
      /** @type {{ total?: number; jobs?: unknown[] }} */
      const body = JSON.parse(answer.body);
      return {
        label,
        median: quantile(sorted, 0.5),
        p90: quantile(sorted, 0.9),
        total: body.total,
        returned: body.jobs?.length,
      };
    }),
  };
}

/**
 * @param {LoadJob} job
 * @returns {Promise<CannonResult | SequentialResult>}
 */
function run(job) {
  switch (job.kind) {
    case 'list':
      return listLoad(job);
    case 'record':
      return recordLoad(job);
    case 'sequential':
      return sequential(job);
    default:
      throw new Error(`unknown job kind: ${/** @type {{ kind: unknown }} */ (job).kind}`);
  }
}

/**
 * Tells the parent (bench/children.js), over the IPC channel it started this process with.
 *
 * @param {LoadAnswer<CannonResult | SequentialResult> | { ready: true }} message
 */
function send(message) {
  if (!process.send) throw new Error('load.js needs an IPC channel: bench/children.js starts it');
  process.send(message);
}

process.on('message', async (job) => {
  try {
    // The parent sends LoadJobs only (runLoadJob in children.js).
    send({ ok: true, result: await run(/** @type {LoadJob} */ (job)) });
  } catch (error) {
    send({ ok: false, error: (error instanceof Error ? error.stack : undefined) ?? String(error) });
  }
});
process.once('disconnect', () => process.exit(0));
send({ ready: true });
