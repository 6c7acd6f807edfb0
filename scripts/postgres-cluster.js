import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// A throwaway PostgreSQL cluster: initdb in a temporary folder, a server on a free loopback port
// with its socket in that folder, stopped and its folder removed at the end (also when the
// process exits abruptly). The tests' globalSetup (test/support/postgres-cluster.ts) and the
// benchmark (bench/) start theirs with it. Plain JavaScript, so that both can load it.

const URL_VARIABLE = 'DDM_JOBS_TEST_DATABASE_URL';

/**
 * @typedef {object} Cluster
 * @property {string} url
 * @property {() => void} stop Stops the server (immediate shutdown: connections are cut) and removes its folder.
 * @property {() => void} pause Stops the server and keeps its data, as an outage would.
 * @property {() => void} resume Starts it again on the same port and data.
 */

/**
 * A cluster of one's own: `url` to connect, `pause`/`resume` to take it down and up again (an
 * outage), `stop` to end it and remove its folder. Without `durable`, writes are not flushed to
 * disk (fsync off): fine for tests, not for measuring.
 * @param {{ durable?: boolean }} [options]
 * @returns {Promise<Cluster>}
 */
export async function startCluster(options = {}) {
  const bin = findBinaries();
  const dir = mkdtempSync(join(tmpdir(), 'ddm-jobs-pg-'));
  const data = join(dir, 'data');
  // PostgreSQL refuses to run as root: then it runs as the `postgres` user the packages create.
  const asRoot = process.getuid?.() === 0;
  /** @param {string} program @param {string[]} args */
  const run = (program, args) => {
    const [command, ...rest] = asRoot
      ? ['runuser', '-u', 'postgres', '--', join(bin, program), ...args]
      : [join(bin, program), ...args];
    return execFileSync(/** @type {string} */ (command), rest, { cwd: dir, stdio: 'pipe', encoding: 'utf8' });
  };
  let running = false;
  const stop = () => {
    process.removeListener('exit', stop);
    if (running) {
      running = false;
      try {
        run('pg_ctl', ['stop', '-D', data, '-m', 'immediate', '-w']);
      } catch {
        // Already gone: nothing to stop.
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  // Also when the run ends abruptly (an error in another setup, Ctrl-C): no server is left behind.
  process.once('exit', stop);
  try {
    if (asRoot) chownSync(dir, postgresUserId('-u'), postgresUserId('-g'));
    run('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
    // Durability is no concern of a throwaway cluster; connections are, as test files run in parallel.
    const settings = [
      `-k ${dir}`,
      '-c listen_addresses=127.0.0.1',
      '-c max_connections=400',
      // Tests want speed, not durability; a benchmark measures what production would run.
      ...(options.durable ? [] : ['-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off']),
    ].join(' ');
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      try {
        const startArgs = [
          'start',
          '-D',
          data,
          '-l',
          join(dir, 'server.log'),
          '-w',
          '-t',
          '60',
          '-o',
          `-p ${port} ${settings}`,
        ];
        running = true;
        run('pg_ctl', startArgs);
        return {
          url: `postgres://postgres@127.0.0.1:${port}/postgres`,
          stop,
          pause() {
            run('pg_ctl', ['stop', '-D', data, '-m', 'fast', '-w']);
            running = false;
          },
          resume() {
            run('pg_ctl', startArgs);
            running = true;
          },
        };
      } catch (error) {
        running = false;
        // Another process may have taken the port between our probe and the server's bind.
        if (attempt === 3) throw error;
      }
    }
  } catch (error) {
    const log = join(dir, 'server.log');
    const detail = existsSync(log) ? `\n${readFileSync(log, 'utf8').slice(-2000)}` : '';
    const output = error instanceof Error && 'stderr' in error ? String(error.stderr) : '';
    stop();
    throw new Error(
      `postgres-cluster: could not start PostgreSQL from ${bin}: ${error instanceof Error ? error.message : error}${output}${detail}`,
    );
  }
}

/** The server's programs: Debian's PostgreSQL 15, else whatever `pg_config` names, else the newest installed. */
function findBinaries() {
  const candidates = ['/usr/lib/postgresql/15/bin'];
  try {
    candidates.push(execFileSync('pg_config', ['--bindir'], { encoding: 'utf8', stdio: 'pipe' }).trim());
  } catch {
    // No pg_config: look in Debian's folder below.
  }
  if (existsSync('/usr/lib/postgresql')) {
    const versions = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((version) => `/usr/lib/postgresql/${version}/bin`));
  }
  const found = candidates.find((bin) => existsSync(join(bin, 'initdb')) && existsSync(join(bin, 'pg_ctl')));
  if (!found)
    throw new Error(
      'postgres-cluster: PostgreSQL is not installed (no initdb); run `bash scripts/ensure-test-tools.sh` as root, ' +
        `or set ${URL_VARIABLE} to a server of yours`,
    );
  return found;
}

/** @param {'-u' | '-g'} flag */
function postgresUserId(flag) {
  return Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8', stdio: 'pipe' }).trim());
}

/**
 * A loopback port nobody listens on now.
 * @returns {Promise<number>}
 */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
