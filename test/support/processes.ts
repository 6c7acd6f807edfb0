import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { keepProcessLog, serveLogLevel } from './run-logs.js';

// Real processes for the tests that run the built program or other tools: one run to its end with
// its output collected, and `ddm-jobs serve` started on a free port and stopped again.

/** The built `ddm-jobs` command (`npx tsc -b` makes it). */
export const CLI = fileURLToPath(new URL('../../packages/cli/dist/main.js', import.meta.url));
/** The repository's root folder. */
export const REPO = fileURLToPath(new URL('../../', import.meta.url));

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** This process's environment without the variables whose names start with `prefix`, plus `extra`. */
export function envWithout(prefix: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith(prefix)));
  return { ...env, ...extra };
}

/**
 * Runs `command ARGS` to its end and collects its output and exit code; never rejects on a
 * non-zero exit, which tests expect. With `input` its stdin is a pipe given that text, without
 * it stdin is closed.
 */
export function runToEnd(
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {},
): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr?.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

export interface Server {
  child: ChildProcess;
  url: string;
  /** Everything the server has printed so far, stdout and stderr together. */
  output(): string;
}

/**
 * Starts `ddm-jobs serve --port 0 --data-dir DIR --no-demo --log-level LEVEL ARGS` (warn, or info
 * when the run keeps its logs: run-logs.ts, which copies the output there) with the admin
 * password set and no other DDM_JOBS_* setting of the caller's; resolves with its URL once it
 * prints `ddm-jobs listening on URL`, rejects if it exits first. `spawned` is given the process
 * at once, so that a caller can stop it even if it never says it listens.
 */
export function startServer(
  dataDir: string,
  options: { adminPassword: string; args?: string[]; spawned?: (child: ChildProcess) => void },
): Promise<Server> {
  const child = spawn(
    process.execPath,
    [
      CLI,
      'serve',
      '--port',
      '0',
      '--data-dir',
      dataDir,
      '--no-demo',
      '--log-level',
      serveLogLevel(),
      ...(options.args ?? []),
    ],
    {
      cwd: REPO,
      env: envWithout('DDM_JOBS_', { DDM_JOBS_ADMIN_PASSWORD: options.adminPassword }),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  options.spawned?.(child);
  keepProcessLog(child, 'serve');
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk;
      const url = /ddm-jobs listening on (http:\/\/\S+)/.exec(output)?.[1];
      if (url) resolve({ child, url, output: () => output });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`ddm-jobs serve exited with ${code}: ${output}`)));
  });
}

/** Ends a server (SIGTERM) and waits for it to exit; at once if it has exited already. */
export function stopServer(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
