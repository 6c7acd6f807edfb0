import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keepProcessLog } from '../support/run-logs.js';

// A reader's terminal: one bash process that runs the README's commands one after the other, so
// that what one sets (TOKEN, PROJECT, an export) is there for the next; and a server started by a
// documented line, in the background, as in a second terminal.

export interface StepResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Marks the end of a command's run on the session's stdout; no README command prints it. */
const DONE = '__readme_step_done__';

export interface BashSession {
  /**
   * Runs a command as if typed (sourced: its variables stay), stdin empty. With `stopAfterS`, in a
   * child bash under `timeout`, for a command that runs until stopped (exit 124 when it still ran).
   */
  run(command: string, options?: { stopAfterS?: number }): Promise<StepResult>;
  close(): void;
}

/** One bash process for a sequence of commands, in `cwd` with exactly `env`. */
export function openBashSession(cwd: string, env: NodeJS.ProcessEnv): BashSession {
  const folder = mkdtempSync(join(tmpdir(), 'ddm-jobs-readme-session-'));
  const bash: ChildProcessWithoutNullStreams = spawn('bash', [], { cwd, env });
  let output = '';
  let waiting: ((line: string) => void) | undefined;
  bash.stdout.on('data', (chunk) => {
    output += chunk;
    const match = new RegExp(`${DONE} (\\d+)\\n`).exec(output);
    if (match && waiting) {
      output = output.slice((match.index ?? 0) + match[0].length);
      const resolve = waiting;
      waiting = undefined;
      resolve(match[1] as string);
    }
  });
  let step = 0;
  return {
    run(command, options = {}) {
      step++;
      const file = (name: string) => join(folder, `${step}.${name}`);
      writeFileSync(file('sh'), `${command}\n`);
      const invoke = options.stopAfterS
        ? `timeout -k 5 ${options.stopAfterS} bash '${file('sh')}'`
        : `source '${file('sh')}'`;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no end within 60 s of: ${command}`)), 60_000);
        waiting = (code) => {
          clearTimeout(timer);
          resolve({
            code: Number(code),
            stdout: readFileSync(file('out'), 'utf8'),
            stderr: readFileSync(file('err'), 'utf8'),
          });
        };
        bash.stdin.write(
          `${invoke} </dev/null >'${file('out')}' 2>'${file('err')}'; printf '\\n${DONE} %d\\n' $?\n`,
        );
      });
    },
    close() {
      bash.stdin.end();
      bash.kill();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

export interface StartedServer {
  /** The URL it says it listens on. */
  url: string;
  /** Everything it printed so far, stdout and stderr together. */
  output(): string;
  /** SIGTERM to every process the line started, then waits until they are all gone. */
  stop(): Promise<void>;
}

const groupAlive = (pid: number): boolean => {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * Runs a documented start line (`npx ddm-jobs serve ...`) in bash, in a process group of its own
 * (npx starts the server as a grandchild), and resolves once it prints the URL it listens on.
 */
export function startInBash(command: string, cwd: string, env: NodeJS.ProcessEnv): Promise<StartedServer> {
  const child = spawn('bash', ['-c', command], { cwd, env, detached: true });
  keepProcessLog(child, 'readme-serve');
  const pid = child.pid as number;
  let output = '';
  const stop = async () => {
    if (!groupAlive(pid)) return;
    process.kill(-pid, 'SIGTERM');
    for (let waited = 0; groupAlive(pid); waited += 50) {
      if (waited === 15_000) process.kill(-pid, 'SIGKILL');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`${command}\ndid not listen within 60 s:\n${output}`));
    }, 60_000);
    let settled: NodeJS.Timeout | undefined;
    const onData = (chunk: Buffer) => {
      output += chunk;
      // The address alone: the line may be a JSON log line, with a quote after it.
      const url = /ddm-jobs listening on (http:\/\/[\w.:[\]-]+)/.exec(output)?.[1];
      if (!url) return;
      clearTimeout(timer);
      // The notes printed after that line (the console, the clock, the walk-through) may come in
      // later chunks: resolved once the output has been quiet for a moment.
      clearTimeout(settled);
      settled = setTimeout(() => resolve({ url, output: () => output, stop }), 300);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${command}\nexited (${code}) before it listened:\n${output}`));
    });
  });
}
