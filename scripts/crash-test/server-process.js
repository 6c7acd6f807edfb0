/**
 * `ddm-jobs serve` as the crash test runs it: the built CLI in its own process, on one port for
 * the whole run (so the writer reconnects to the same address after each restart), on one data
 * folder or PostgreSQL schema; started, and ended with SIGKILL.
 */
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { killServe, startServe as startServeProcess } from '../serve-process.js';

/** The service user the writer signs in as, and its project (fixed ids keep runs comparable). */
export const PROJECT_ID = 'c0ffee00c0ffee00c0ffee00c0ffee00';
export const WRITER = { name: 'crash-writer', password: 'crash-writer-password-1' };

/**
 * Writes the bootstrap file declaring the project and the service user into `dataDir`.
 * @param {string} dataDir
 * @returns {string} The file's path.
 */
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

/**
 * A loopback port nobody listens on now.
 * @returns {Promise<number>}
 */
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
 * Starts the server on `port` with `location` and resolves with its child process once it says
 * it listens. Its later output (warnings) goes on to this process's stderr.
 *
 * @param {{ dataDir: string; databaseUrl?: string | undefined; databaseSchema?: string | undefined }} location
 * @param {number} port
 * @param {string} bootstrapFile
 * @returns {Promise<import('../serve-process.js').ServeProcess['child']>}
 */
export async function startServe(location, port, bootstrapFile) {
  const args = [
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
    '--service-rate-limit',
    '0',
    '--address-rate-limit',
    '0',
    ...(location.databaseUrl ? ['--database-url', location.databaseUrl] : []),
    ...(location.databaseSchema ? ['--database-schema', location.databaseSchema] : []),
  ];
  const { child } = await startServeProcess({ args });
  child.stdout.on('data', (more) => process.stderr.write(more));
  child.stderr.on('data', (more) => process.stderr.write(more));
  return child;
}

export { killServe };
