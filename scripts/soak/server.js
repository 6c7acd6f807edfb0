/**
 * The server under soak: the built `ddm-jobs serve` in its own process, as operators run it, on a
 * temporary data folder (SQLite, or a schema of a throwaway PostgreSQL cluster), with declared
 * identities and no rate limits (the load comes from one address and two users, far past them).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCluster } from '../postgres-cluster.js';

const CLI = fileURLToPath(new URL('../../packages/cli/dist/main.js', import.meta.url));

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
 */
export async function startSoakServer({ database }) {
  const dataDir = mkdtempSync(join(tmpdir(), 'ddm-jobs-soak-'));
  const bootstrapFile = join(dataDir, 'bootstrap.json');
  writeFileSync(bootstrapFile, JSON.stringify(bootstrap));
  const cluster = database === 'postgres' ? await startCluster({ durable: true }) : undefined;
  const args = [
    CLI,
    'serve',
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
    '--address-rate-limit',
    '0',
    ...(cluster ? ['--database-url', cluster.url, '--database-schema', 'soak'] : []),
  ];
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('DDM_JOBS_')),
  );
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const cleanUp = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    cluster?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  process.once('exit', cleanUp);

  const url = await new Promise((resolve, reject) => {
    const onData = (chunk) => {
      output += chunk;
      // Warnings and errors the server logs are kept for the report (capped).
      if (output.length > 1_000_000) output = output.slice(-500_000);
      const found = /ddm-jobs listening on (http:\/\/\S+)/.exec(output)?.[1];
      if (found) resolve(found);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('error', reject);
    child.once('exit', (code, signal) =>
      reject(new Error(`ddm-jobs serve exited (${signal ?? code}): ${output}`)),
    );
  });

  return {
    url,
    pid: child.pid,
    child,
    output: () => output,
    alive: () => child.exitCode === null && child.signalCode === null,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        await new Promise((resolve) => {
          const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
          child.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          child.kill('SIGTERM');
        });
      }
      process.off('exit', cleanUp);
      cleanUp();
    },
  };
}

/** The resident set of a process in MB, from /proc/PID/status (VmRSS). */
export function rssMbOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? Number.NaN) / 1024;
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
