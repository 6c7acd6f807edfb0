/**
 * Child process: the load generator, apart from the servers it loads. It announces itself, then
 * runs each job its parent sends and answers with the figures:
 *
 * - `list`: autocannon GET /v3/{project}/jobs, every request with its own window and offset;
 * - `record`: autocannon PATCH /internal/v1/jobs/{id}, rotating over tasks, progress cycling;
 * - `sequential`: one connection, one request at a time, the latency of each given path (each
 *   with its own token).
 */
import { Agent, request } from 'node:http';
import autocannon from 'autocannon';
import { listPathMaker } from './list-request.js';

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;

/** A short warm-up run, then the measured one; latencies kept at full precision (ms). */
async function cannon(job, options) {
  const base = { url: job.url, connections: job.connections, ...options };
  const warmup = await autocannon({ ...base, duration: job.warmupSeconds });
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

function recordLoad(job) {
  let n = 0;
  return cannon(job, {
    method: 'PATCH',
    headers: { 'x-auth-token': job.token, 'content-type': 'application/json' },
    requests: [
      {
        setupRequest(req) {
          const id = job.ids[n % job.ids.length];
          const progress = Math.floor(n / job.ids.length) % 101;
          n++;
          req.path = `/internal/v1/jobs/${id}`;
          req.body = `{"progress":${progress}}`;
          return req;
        },
      },
    ],
  });
}

function timedGet(agent, url, token) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const req = request(url, { agent, headers: { 'x-auth-token': token } }, (res) => {
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

/** Round-robin over the paths (so drift hits all alike): `warmup` rounds, then `requests` rounds. */
async function sequential(job) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const samples = job.paths.map(() => []);
  const last = job.paths.map(() => undefined);
  let failures = 0;
  for (let round = 0; round < job.warmup + job.requests; round++) {
    for (const [i, { path, token }] of job.paths.entries()) {
      const r = await timedGet(agent, `${job.url}${path}`, token);
      if (r.status !== 200) failures++;
      if (round >= job.warmup) samples[i].push(r.ms);
      last[i] = r;
    }
  }
  agent.destroy();
  return {
    failures,
    paths: job.paths.map(({ label }, i) => {
      const sorted = Float64Array.from(samples[i]).sort();
      const body = JSON.parse(last[i].body);
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

const JOBS = { list: listLoad, record: recordLoad, sequential };

process.on('message', async (job) => {
  try {
    process.send({ ok: true, result: await JOBS[job.kind](job) });
  } catch (error) {
    process.send({ ok: false, error: error.stack ?? String(error) });
  }
});
process.once('disconnect', () => process.exit(0));
process.send({ ready: true });
