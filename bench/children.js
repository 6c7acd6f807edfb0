/**
 * The benchmark's child processes: each is started with an IPC channel, announces itself with
 * one message, and is killed when the benchmark ends, whether it succeeded, failed or was
 * interrupted.
 */
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const running = new Set();

/**
 * Starts `bench/<script>` and resolves with the child and its first message (e.g. its URL).
 * Rejects if the child exits or says nothing within `timeoutMs`.
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

/** Sends `message` to a child and resolves with its answer. */
export function ask(child, message) {
  return new Promise((resolve, reject) => {
    const onExit = (code, signal) => reject(new Error(`child exited (${signal ?? code}) before answering`));
    child.once('exit', onExit);
    child.once('message', (answer) => {
      child.off('exit', onExit);
      resolve(answer);
    });
    child.send(message);
  });
}

/** SIGTERM (so a --cpu-prof child writes its profile), then SIGKILL after `graceMs`. */
export function stopChild(child, graceMs = 5_000) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

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

/** Runs one job in a fresh load-generator process (bench/load.js) and returns its figures. */
export async function runLoadJob(job) {
  const { child } = await startChild('load.js');
  try {
    const answer = await ask(child, job);
    if (!answer.ok) throw new Error(`load generator failed: ${answer.error}`);
    return answer.result;
  } finally {
    await stopChild(child);
  }
}

/** The resident set (VmRSS) and its peak (VmHWM) of a process, in MB, from /proc. */
export function memoryOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
}

/** CPU seconds (user + system) a process has used so far, from /proc (clock ticks of 1/100 s). */
export function cpuSecondsOf(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** CPU seconds the whole machine spent busy so far (every core), from /proc/stat. */
export function machineBusySeconds() {
  const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/).map(Number);
  const [user, nice, system, , , irq, softirq, steal] = ticks;
  return (user + nice + system + irq + softirq + steal) / 100;
}

/**
 * Runs a load job and tells what the CPUs did meanwhile: the server `pid`'s CPU seconds, and the
 * CPU seconds of every other process but the load generator (noise from whatever else runs here).
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
