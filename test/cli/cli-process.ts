import type { ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { passwordAuth, passwordSignIn } from '../support/keystone-body.js';
import {
  CLI,
  envWithout,
  type Finished,
  REPO,
  runToEnd,
  type Server,
  startServer,
  stopServer,
} from '../support/processes.js';

// The `ddm-jobs` command as users run it: the built CLI in a real process (`npm test` builds it
// first), its output and exit code asserted, as pg-boss tests its CLI.

// The repository root, where the tests run the command.
export { REPO };
export const ADMIN_PASSWORD = 'live admin password';
const HOUR = 3_600_000;

/** Runs `ddm-jobs ARGS` to its end; never rejects on a non-zero exit, which tests expect. */
export function ddmJobs(
  args: string[],
  options: { input?: string; env?: Record<string, string> } = {},
): Promise<Finished> {
  return runToEnd(process.execPath, [CLI, ...args], {
    cwd: REPO,
    env: envWithout('DDM_JOBS_', options.env),
    input: options.input ?? '',
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

/**
 * Starts `ddm-jobs serve` on a free port with the admin password set; resolves with its URL once
 * it says it listens. `stopAll` ends every server started (SIGTERM) and waits for their exit.
 */
export function servers() {
  const running = new Set<ChildProcess>();
  return {
    start(dataDir: string, extraArgs: string[] = []): Promise<Server> {
      return startServer(dataDir, {
        adminPassword: ADMIN_PASSWORD,
        args: extraArgs,
        spawned: (child) => {
          running.add(child);
          child.on('exit', () => running.delete(child));
        },
      });
    },
    async stopAll(): Promise<void> {
      await Promise.all([...running].map(stopServer));
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
    body: JSON.stringify(passwordSignIn(user, projectId)),
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

/** The admin's token on project default (scoped by name), and that project's id. */
export async function signInAdmin(url: string): Promise<{ token: string; projectId: string }> {
  const response = await fetch(`${url}/v3/auth/tokens?nocatalog`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(
      passwordAuth(
        { name: 'admin', domain: { name: 'default' }, password: ADMIN_PASSWORD },
        { project: { name: 'default', domain: { name: 'default' } } },
      ),
    ),
  });
  const body = (await response.json()) as { token: { project: { id: string } } };
  return { token: response.headers.get('x-subject-token') as string, projectId: body.token.project.id };
}
