import { type ChildProcessByStdio, spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import type { DdmJobsCommand } from './command.js';
import { EmulatorError } from './errors.js';

/** Output kept for error messages and `emu.output()`: the last 256 KiB. */
const KEPT_OUTPUT = 256 * 1024;

export type ServeChild = ChildProcessByStdio<null, Readable, Readable>;

export interface RunningServe {
  child: ServeChild;
  url: string;
  /** What it printed so far (stdout and stderr), the last 256 KiB. */
  output: () => string;
}

/**
 * Runs `ddm-jobs serve ARGS` and resolves once it prints the line `ddm-jobs listening on URL`;
 * rejects with what it printed when it exits first or takes longer than `timeoutMs`. The
 * environment is this process's minus every DDM_JOBS_* variable, so that a developer's settings
 * (a database URL, a port) cannot leak into a test's emulator.
 */
export function runServe(
  command: DdmJobsCommand,
  args: string[],
  options: { timeoutMs: number; onOutput?: ((text: string) => void) | undefined },
): Promise<RunningServe> {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('DDM_JOBS_')),
  );
  const child = spawn(command.file, [...command.args, 'serve', ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let listening = false;
  const output_ = () => output;
  return new Promise((resolve, reject) => {
    const fail = (message: string) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new EmulatorError(`${message}\n${output.slice(-8192)}`));
    };
    const timer = setTimeout(
      () => fail(`ddm-jobs serve did not listen within ${options.timeoutMs} ms`),
      options.timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      const text = chunk.toString();
      options.onOutput?.(text);
      output += text;
      if (output.length > KEPT_OUTPUT) output = output.slice(-KEPT_OUTPUT / 2);
      if (listening) return;
      // [^\s"]: in a JSON log record the URL ends at the closing quote.
      const url = /ddm-jobs listening on (http:\/\/[^\s"]+)/.exec(output)?.[1];
      if (url) {
        listening = true;
        clearTimeout(timer);
        resolve({ child, url, output: output_ });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('error', (error) => fail(`ddm-jobs could not be started (${command.file}): ${error.message}`));
    child.once('exit', (code, signal) => {
      if (!listening) fail(`ddm-jobs serve exited (${signal ?? code}) before it listened`);
    });
  });
}

const exited = (child: ServeChild) => child.exitCode !== null || child.signalCode !== null;

/** SIGTERM (requests in flight finish), SIGKILL after `graceMs`; resolves once it has exited. */
export function stopServe(child: ServeChild, graceMs = 10_000): Promise<void> {
  if (exited(child)) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
