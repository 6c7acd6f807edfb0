/**
 * `ddm-jobs serve` as the crash test runs it: the built CLI in its own process, on one port for
 * the whole run (so the writer reconnects to the same address after each restart), on one data
 * folder or PostgreSQL schema; started, and ended with SIGKILL.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../packages/cli/dist/main.js', import.meta.url));
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const START_TIMEOUT_MS = 60_000;

/** The service user the writer signs in as, and its project (fixed ids keep runs comparable). */
export const PROJECT_ID = 'c0ffee00c0ffee00c0ffee00c0ffee00';
export const WRITER = { name: 'crash-writer', password: 'crash-writer-password-1' };

/** Writes the bootstrap file declaring the project and the service user into `dataDir`. */
export function writeBootstrap(dataDir) {
  const file = join(dataDir, 'bootstrap.json');
  writeFileSync(
    file,
    JSON.stringify({
      projects: [{ name: 'crash-test', id: PROJECT_ID }],
      users: [
        {
          name: WRITER.name,
          password: WRITER.password,
          roles: [{ project: 'crash-test', roles: ['service'] }],
        },
      ],
    }),
  );
  return file;
}

/** A loopback port nobody listens on now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * Starts the server on `port` with `location` ({ dataDir, databaseUrl?, databaseSchema? }) and
 * resolves with its child process once it says it listens.
 */
export function startServe(location, port, bootstrapFile) {
  const args = [
    CLI,
    'serve',
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    '--data-dir',
    location.dataDir,
    '--bootstrap',
    bootstrapFile,
    '--no-demo',
    '--log-level',
    'warn',
    // One writer from one address at full speed: no throttling.
    '--rate-limit',
    '0',
    '--address-rate-limit',
    '0',
    ...(location.databaseUrl
      ? ['--database-url', location.databaseUrl, '--database-schema', location.databaseSchema]
      : []),
  ];
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('DDM_JOBS_')),
  );
  const child = spawn(process.execPath, args, { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`ddm-jobs serve did not listen within ${START_TIMEOUT_MS} ms: ${output}`));
    }, START_TIMEOUT_MS);
    const onData = (chunk) => {
      output += chunk;
      if (/ddm-jobs listening on http:\/\/\S+/.test(output)) {
        clearTimeout(timer);
        // Later output (warnings) goes on to the runner's stderr, not to memory.
        child.stdout.off('data', onData);
        child.stderr.off('data', onData);
        child.stdout.resume();
        child.stderr.on('data', (more) => process.stderr.write(more));
        resolve(child);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`ddm-jobs serve exited (${signal ?? code}) before it listened: ${output}`));
    });
  });
}

/** SIGKILL: no shutdown code runs, as in a power cut of the process. Resolves once it is gone. */
export function killServe(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}
