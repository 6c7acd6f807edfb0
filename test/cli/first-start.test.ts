import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer, type Server as NetServer, Socket } from 'node:net';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { startServe, stopProcess } from '../../scripts/serve-process.js';
import { keepProcessLog, serveLogLevel } from '../support/run-logs.js';
import { ddmJobs, iamList, signIn, tempDirs } from './cli-process.js';

// Issue 17: a first start listens before it creates the admin and prints its password, so a port
// already taken costs nothing; a later start says how to set a new password; requests arriving
// while a node finishes starting wait for it rather than catch it half made.

const dirs = tempDirs();
const children: ChildProcess[] = [];
const blockers: NetServer[] = [];

afterEach(async () => {
  await Promise.all(children.splice(0).map((child) => stopProcess(child)));
  await Promise.all(blockers.splice(0).map((server) => new Promise((done) => server.close(done))));
  dirs.removeAll();
});

/** A port another process (here: this one) listens on. */
async function takenPort(): Promise<number> {
  const server = createServer();
  blockers.push(server);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return (server.address() as { port: number }).port;
}

/** A port nothing listens on now (taken by the kernel's choice, then let go). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

/** `ddm-jobs serve` on the folder without DDM_JOBS_ADMIN_PASSWORD, as a newcomer starts it. */
async function serve(dataDir: string, args: string[] = [], env: Record<string, string> = {}) {
  return startServe({
    args: ['--port', '0', '--data-dir', dataDir, '--no-demo', '--log-level', serveLogLevel(), ...args],
    env,
    spawned(child) {
      children.push(child);
      keepProcessLog(child, 'serve');
    },
  });
}

const generatedPassword = (output: string) => /export PASSWORD='([^']+)'/.exec(output)?.[1];

/** Resolves once a TCP connection to the port succeeds (the server listens). */
async function untilListening(port: number): Promise<void> {
  for (let attempt = 0; attempt < 400; attempt++) {
    const connected = await new Promise<boolean>((done) => {
      const socket = new Socket();
      socket.once('connect', () => done(true)).once('error', () => done(false));
      socket.connect(port, '127.0.0.1');
    }).catch(() => false);
    if (connected) return;
    await new Promise((done) => setTimeout(done, 50));
  }
  throw new Error(`nothing listens on port ${port}`);
}

describe('the first start', () => {
  it('on a port taken: exit 1 naming the address, no admin created; the next start creates it and shows its password', async () => {
    const dataDir = dirs.make();
    const port = await takenPort();
    const refused = await ddmJobs(['serve', '--port', String(port), '--data-dir', dataDir, '--no-demo']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      `ddm-jobs: cannot listen on 127.0.0.1:${port}: the port is in use by another process; stop it, or choose another --port (EADDRINUSE)\n`,
    );
    expect(refused.stdout + refused.stderr).not.toContain('PASSWORD');
    expect(await iamList(dataDir, ['user', 'list'])).toEqual([]);

    const first = await serve(dataDir);
    const password = generatedPassword(first.output());
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect((await signIn(first.url, { name: 'admin', password: password as string })).status).toBe(201);
  });

  it('a later start shows no password, says how to set a new one (DDM_JOBS_ADMIN_PASSWORD no longer applies), and that command works as printed', async () => {
    const dataDir = dirs.make();
    const first = await serve(dataDir);
    expect(generatedPassword(first.output())).toBeDefined();
    await stopProcess(first.child);

    const later = await serve(dataDir, [], { DDM_JOBS_ADMIN_PASSWORD: 'not applied' });
    expect(generatedPassword(later.output())).toBeUndefined();
    const hint =
      /User admin exists already \(DDM_JOBS_ADMIN_PASSWORD applies to a first start only\); to set a new password: (ddm-jobs iam user set-password [^"\n]*)/.exec(
        later.output(),
      )?.[1];
    expect(hint).toBe(`ddm-jobs iam user set-password admin --password-stdin --data-dir ${dataDir}`);
    expect((await signIn(later.url, { name: 'admin', password: 'not applied' })).status).toBe(401);
    const [command, ...args] = (hint as string).split(' ');
    expect(command).toBe('ddm-jobs');
    const set = await ddmJobs(args, { input: 'a new admin password' });
    expect([set.code, set.stderr]).toEqual([0, '']);
    const admin = { name: 'admin', password: 'a new admin password' };
    expect((await signIn(later.url, admin)).status).toBe(201);
  });

  it('answers a request sent before the admin exists once the start-up is done (201), not with an error', async () => {
    const dataDir = dirs.make();
    // Another process on the folder holding the start-up lock (docs/identity.md), as if it were
    // starting at this moment: this start listens, then waits for its turn to create the admin.
    const lock = new BetterSqlite3(join(dataDir, 'ddm-jobs.startup.lock'));
    try {
      lock.exec('BEGIN EXCLUSIVE');
      const port = await freePort();
      const starting = serve(dataDir, ['--port', String(port)], {
        DDM_JOBS_ADMIN_PASSWORD: 'first password',
      });
      starting.catch(() => {});
      await untilListening(port);
      const answer = signIn(`http://127.0.0.1:${port}`, { name: 'admin', password: 'first password' });
      const early = await Promise.race([
        answer,
        new Promise((done) => setTimeout(() => done('waiting'), 500)),
      ]);
      expect(early).toBe('waiting');
      lock.exec('ROLLBACK');
      expect((await answer).status).toBe(201);
      expect((await starting).output()).toContain(`ddm-jobs listening on http://127.0.0.1:${port}`);
    } finally {
      lock.close();
    }
  });

  it('a bootstrap file that cannot be applied after listening: exit 2 naming the fault, the port let go', async () => {
    const dataDir = dirs.make();
    const file = join(dataDir, 'bootstrap.json');
    writeFileSync(
      file,
      JSON.stringify({
        users: [{ name: 'ann', password: 'pw', roles: [{ project: 'nowhere', roles: ['r'] }] }],
      }),
    );
    const port = await freePort();
    const failed = await ddmJobs([
      'serve',
      '--port',
      String(port),
      '--data-dir',
      dataDir,
      '--bootstrap',
      file,
    ]);
    expect(failed.code).toBe(2);
    expect(failed.stderr).toBe('ddm-jobs: user ann: project nowhere is not declared\n');
    // The process is gone and its port free: another listener gets it.
    const after = createServer();
    await new Promise<void>((done) => after.listen(port, '127.0.0.1', done));
    await new Promise((done) => after.close(done));
  });
});
