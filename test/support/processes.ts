import { type ChildProcess, spawn } from 'node:child_process';
import { CLI, REPO, startServe, stopProcess } from '../../scripts/serve-process.js';
import { keepProcessLog, serveLogLevel } from './run-logs.js';

// Real processes for the tests that run the built program or other tools: one run to its end with
// its output collected, and `ddm-jobs serve` started on a free port and stopped again (through
// scripts/serve-process.js, as the benchmark, the crash test and the soak start it).

export { CLI, REPO };

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
 * password set (scripts/serve-process.js); resolves with its URL once it listens, rejects if it
 * exits first. `spawned` is given the process at once, so that a caller can stop it even if it
 * never says it listens.
 */
export async function startServer(
  dataDir: string,
  options: { adminPassword: string; args?: string[]; spawned?: (child: ChildProcess) => void },
): Promise<Server> {
  const args = ['--port', '0', '--data-dir', dataDir, '--no-demo', '--log-level', serveLogLevel()];
  const { child, url, output } = await startServe({
    args: [...args, ...(options.args ?? [])],
    env: { DDM_JOBS_ADMIN_PASSWORD: options.adminPassword },
    spawned(child) {
      options.spawned?.(child);
      keepProcessLog(child, 'serve');
    },
  });
  return { child, url, output };
}

/** Ends a server (SIGTERM) and waits for it to exit; at once if it has exited already. */
export const stopServer = (child: ChildProcess): Promise<void> => stopProcess(child);
