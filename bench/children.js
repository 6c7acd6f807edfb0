/**
 * The benchmark's child processes: each is started with an IPC channel, announces itself with
 * one message, and is killed when the benchmark ends, whether it succeeded, failed or was
 * interrupted.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { cpuSecondsOf, machineBusySeconds } from '../scripts/process-stats.js';
import { startServe, stopProcess } from '../scripts/serve-process.js';

/** @import { ChildProcess, Serializable } from 'node:child_process' */
/** @import { StoreLocation } from '@ddm-jobs/server' */
/** @import { CannonResult, ListJob, LoadAnswer, LoadJob, RecordJob, ResultByKind } from './load.js' */

/** @typedef {{ child: ChildProcess; message: Serializable }} StartedChild */

/**
 * A load run's figures and what the CPUs did meanwhile: the server's CPU seconds, and the cores
 * the server and all other processes (but the load generator) kept busy.
 *
 * @typedef {CannonResult & { wallSeconds: number; serverCpu: number; serverBusy: number; othersBusy: number }} WatchedResult
 */

/** @type {Set<ChildProcess>} */
const running = new Set();

/**
 * Starts `bench/<script>` and resolves with the child and its first message (e.g. its URL).
 * Rejects if the child exits or says nothing within `timeoutMs`.
 *
 * @param {string} script
 * @param {string[]} [args]
 * @param {{ execArgv?: string[]; timeoutMs?: number }} [options]
 * @returns {Promise<StartedChild>}
 */
export function startChild(script, args = [], { execArgv = [], timeoutMs = 60_000 } = {}) {
  const child = fork(fileURLToPath(new URL(script, import.meta.url)), args, {
    execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stopChild(child);
      reject(new Error(`${script} did not start within ${timeoutMs} ms`));
    }, timeoutMs);
    child.once('message', (message) => {
      clearTimeout(timer);
      resolve({ child, message });
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited (${signal ?? code}) before it started`));
    });
  });
}

/**
 * The real server, `ddm-jobs serve` as operators run it, on a seeded location (bench/database.js),
 * on a free port of 127.0.0.1, logging at level warn; stopped with the other children. The load
 * comes from one token and one address, far past the default rate limits: limits this high keep
 * the throttling code on the path without ever refusing.
 *
 * @param {StoreLocation} location
 * @param {string[]} [nodeArgs] options of node, e.g. --cpu-prof
 */
export async function startApiServer(location, nodeArgs = []) {
  const unlimited = '999999999';
  const args = ['--host', '127.0.0.1', '--port', '0', '--data-dir', location.dataDir, '--no-demo'];
  args.push('--log-level', 'warn', '--rate-limit', unlimited, '--service-rate-limit', unlimited);
  args.push('--address-rate-limit', unlimited);
  if (location.databaseUrl) args.push('--database-url', location.databaseUrl);
  if (location.databaseSchema) args.push('--database-schema', location.databaseSchema);
  const { child, url } = await startServe({
    args,
    nodeArgs,
    spawned(started) {
      running.add(started);
      started.once('exit', () => running.delete(started));
    },
  });
  // Its warnings, should there be any, show in the benchmark's output.
  child.stdout.pipe(process.stdout);
  child.stderr.pipe(process.stderr);
  return { child, url };
}

/**
 * Sends `message` to a child and resolves with its answer.
 *
 * @param {ChildProcess} child
 * @param {Serializable} message
 * @returns {Promise<Serializable>}
 */
export function ask(child, message) {
  return new Promise((resolve, reject) => {
    /**
     * @param {number | null} code
     * @param {NodeJS.Signals | null} signal
     */
    const onExit = (code, signal) => reject(new Error(`child exited (${signal ?? code}) before answering`));
    child.once('exit', onExit);
    child.once('message', (answer) => {
      child.off('exit', onExit);
      resolve(answer);
    });
    child.send(message);
  });
}

/** A child of the benchmark ends as a server does (scripts/serve-process.js), with 5 s of grace. */
export const stopChild = (/** @type {import('node:child_process').ChildProcess} */ child) =>
  stopProcess(child, 5_000);

/** @returns {Promise<void[]>} */
export function stopAllChildren() {
  return Promise.all([...running].map((child) => stopChild(child)));
}

/** Last resort: whatever is still running when this process ends is killed at once. */
function killRemaining() {
  for (const child of running) child.kill('SIGKILL');
}
process.once('exit', killRemaining);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    killRemaining();
    process.exit(130);
  });
}

/**
 * The pid of a started child: undefined only for one that could not be spawned, which startChild
 * and startApiServer report by rejecting.
 *
 * @param {ChildProcess} child
 * @returns {number}
 */
export function pidOf(child) {
  if (child.pid === undefined) throw new Error('the child process has no pid: it was not spawned');
  return child.pid;
}

/**
 * Runs one job in a fresh load-generator process (bench/load.js) and returns its figures.
 *
 * @template {LoadJob} J
 * @param {J} job
 * @returns {Promise<ResultByKind[J['kind']]>}
 */
export async function runLoadJob(job) {
  const { child } = await startChild('load.js');
  try {
    // load.js answers each job with the figures of its kind (typed there).
    const answer = /** @type {LoadAnswer<ResultByKind[J['kind']]>} */ (await ask(child, job));
    if (!answer.ok) throw new Error(`load generator failed: ${answer.error}`);
    return answer.result;
  } finally {
    await stopChild(child);
  }
}

/**
 * Runs a load job and tells what the CPUs did meanwhile: the server `pid`'s CPU seconds, and the
 * CPU seconds of every other process but the load generator (noise from whatever else runs here).
 *
 * @param {ListJob | RecordJob} job
 * @param {number} pid
 * @returns {Promise<WatchedResult>}
 */
export async function runLoadJobWatching(job, pid) {
  const serverBefore = cpuSecondsOf(pid);
  const machineBefore = machineBusySeconds();
  const started = performance.now();
  const result = await runLoadJob(job);
  const wallSeconds = (performance.now() - started) / 1000;
  const serverCpu = cpuSecondsOf(pid) - serverBefore;
  const othersCpu = Math.max(0, machineBusySeconds() - machineBefore - serverCpu - result.loadCpuSeconds);
  return {
    ...result,
    wallSeconds,
    serverCpu,
    serverBusy: serverCpu / wallSeconds,
    othersBusy: othersCpu / wallSeconds,
  };
}
