/**
 * The server under soak: the built `ddm-jobs serve` in its own process, as operators run it, on a
 * temporary data folder (SQLite, or a schema of a throwaway PostgreSQL cluster), with declared
 * identities and no rate limits (the load comes from one address and two users, far past them).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCluster } from '../postgres-cluster.js';
import { killServe, startServe, stopProcess } from '../serve-process.js';

/** The identities the load uses: a tenant administrator and a producer (role `service`). */
export const PROJECT = { name: 'soak-tenant', id: '5043a7e1d2c94b8e9f60a1b2c3d4e5f6' };
export const TENANT = { name: 'soak-tenant-admin', password: 'soak tenant password 1' };
export const WORKER = { name: 'soak-worker', password: 'soak worker password 1' };

const bootstrap = {
  projects: [PROJECT],
  users: [
    { ...TENANT, roles: [{ project: PROJECT.name, roles: ['te_admin'] }] },
    { ...WORKER, roles: [{ project: PROJECT.name, roles: ['service'] }] },
  ],
};

/**
 * Starts the server; resolves once it prints its URL. `stop()` ends it (SIGTERM, then SIGKILL
 * after 10 s) and removes the data folder and the cluster.
 *
 * @param {{ database: 'sqlite' | 'postgres' }} options
 */
export async function startSoakServer({ database }) {
  const dataDir = mkdtempSync(join(tmpdir(), 'ddm-jobs-soak-'));
  const bootstrapFile = join(dataDir, 'bootstrap.json');
  writeFileSync(bootstrapFile, JSON.stringify(bootstrap));
  const cluster = database === 'postgres' ? await startCluster({ durable: true }) : undefined;
  const args = [
    '--port',
    '0',
    '--data-dir',
    dataDir,
    '--no-demo',
    '--log-level',
    'warn',
    '--bootstrap',
    bootstrapFile,
    '--rate-limit',
    '0',
    '--service-rate-limit',
    '0',
    '--address-rate-limit',
    '0',
    ...(cluster ? ['--database-url', cluster.url, '--database-schema', 'soak'] : []),
  ];
  /** @type {import('node:child_process').ChildProcess | undefined} */
  let spawned;
  const cleanUp = () => {
    if (spawned) void killServe(spawned);
    cluster?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  process.once('exit', cleanUp);
  const { child, url, output } = await startServe({ args, spawned: (started) => (spawned = started) });
  // Spawned and listening, so it has one: the report reads the server's figures from /proc by it.
  const { pid } = child;
  if (pid === undefined) throw new Error('the server process has no pid');
  return {
    url,
    pid,
    child,
    // Warnings and errors the server logs are kept for the report.
    output,
    alive: () => child.exitCode === null && child.signalCode === null,
    async stop() {
      await stopProcess(child, 10_000);
      process.off('exit', cleanUp);
      cleanUp();
    },
  };
}
