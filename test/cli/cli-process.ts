import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The `ddm-jobs` command as users run it: the built CLI in a real process (`npm test` builds it
// first), its output and exit code asserted, as pg-boss tests its CLI.

export const CLI = fileURLToPath(new URL('../../packages/cli/dist/main.js', import.meta.url));
export const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const ADMIN_PASSWORD = 'live admin password';
const HOUR = 3_600_000;

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment without the caller's own DDM_JOBS_* settings, plus `extra`. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('DDM_JOBS_')),
  );
  return { ...env, ...extra };
}

/** Runs `ddm-jobs ARGS` to its end; never rejects on a non-zero exit, which tests expect. */
export function ddmJobs(
  args: string[],
  options: { input?: string; env?: Record<string, string> } = {},
): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: REPO,
      env: cleanEnv(options.env),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

/** `ddm-jobs iam ARGS --data-dir DIR`, which must succeed; returns its stdout. */
export async function iam(dataDir: string, args: string[], input?: string): Promise<string> {
  const result = await ddmJobs(['iam', ...args, '--data-dir', dataDir], input === undefined ? {} : { input });
  if (result.code !== 0) throw new Error(`iam ${args.join(' ')}: exit ${result.code}: ${result.stderr}`);
  return result.stdout;
}

/** A listing as JSON (`--output json`). */
export async function iamList<T = Record<string, unknown>>(dataDir: string, args: string[]): Promise<T[]> {
  return JSON.parse(await iam(dataDir, [...args, '--output', 'json']));
}

/** Temporary data folders, each test its own; `removeAll` in afterEach/afterAll. */
export function tempDirs() {
  const dirs: string[] = [];
  return {
    make(): string {
      const dir = mkdtempSync(join(tmpdir(), 'ddm-jobs-cli-'));
      dirs.push(dir);
      return dir;
    },
    /** A fresh copy of a data folder made once, for tests that start from the same identities. */
    copyOf(template: string): string {
      const dir = this.make();
      cpSync(template, dir, { recursive: true });
      return dir;
    },
    removeAll(): void {
      for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Server {
  child: ChildProcess;
  url: string;
  output(): string;
}

/**
 * Starts `ddm-jobs serve` on a free port with the admin password set; resolves with its URL once
 * it says it listens. `stopAll` ends every server started (SIGTERM) and waits for their exit.
 */
export function servers() {
  const running = new Set<ChildProcess>();
  return {
    start(dataDir: string, extraArgs: string[] = []): Promise<Server> {
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
          'warn',
          ...extraArgs,
        ],
        {
          cwd: REPO,
          env: cleanEnv({ DDM_JOBS_ADMIN_PASSWORD: ADMIN_PASSWORD }),
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      running.add(child);
      child.on('exit', () => running.delete(child));
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
    },
    async stopAll(): Promise<void> {
      await Promise.all(
        [...running].map(
          (child) =>
            new Promise<void>((resolve) => {
              if (child.exitCode !== null || child.signalCode !== null) return resolve();
              child.once('exit', () => resolve());
              child.kill('SIGTERM');
            }),
        ),
      );
    },
  };
}

/** Signs in with Keystone's password method; the token, or the failed response's status. */
export async function signIn(
  url: string,
  user: { name: string; password: string; domain?: string },
  projectId?: string,
): Promise<{ status: number; token: string | null }> {
  const response = await fetch(`${url}/v3/auth/tokens?nocatalog`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: {
          methods: ['password'],
          password: {
            user: { name: user.name, domain: { name: user.domain ?? 'default' }, password: user.password },
          },
        },
        ...(projectId ? { scope: { project: { id: projectId } } } : {}),
      },
    }),
  });
  await response.arrayBuffer();
  return { status: response.status, token: response.headers.get('x-subject-token') };
}

/** A token that must be issued. */
export async function tokenFor(
  url: string,
  user: { name: string; password: string; domain?: string },
  projectId?: string,
): Promise<string> {
  const { status, token } = await signIn(url, user, projectId);
  if (status !== 201 || !token) throw new Error(`sign-in of ${user.name}: ${status}`);
  return token;
}

/** Lists the last hour's tasks of a project with a token: the status and the JSON body. */
export async function listJobs(
  url: string,
  projectId: string,
  token: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const now = Date.now();
  const response = await fetch(`${url}/v3/${projectId}/jobs?start_time=${now - HOUR}&end_time=${now}`, {
    headers: { 'x-auth-token': token },
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}
