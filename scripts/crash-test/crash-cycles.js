/**
 * One crash test on one database: a writer process records and reports tasks at full speed while
 * `ddm-jobs serve` is killed with SIGKILL at random moments and restarted on the same data, then
 * every acknowledged write is looked for through the API and the database is checked.
 * `npm run crash-test` (run.js) and test/hardening/crash-durability.test.ts both run this.
 */

import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { passwordToken } from '../password-token.js';
import { checkPostgres, checkSqlite } from './integrity.js';
import { freePort, killServe, PROJECT_ID, startServe, WRITER, writeBootstrap } from './server-process.js';
import { verifyJournal } from './verify-journal.js';

const WRITER_SCRIPT = fileURLToPath(new URL('./writer.js', import.meta.url));
/** How long the writer goes on against the last server before it stops: the final writes are checked too. */
const FINAL_RUN_MS = 1_000;

/** @typedef {import('./integrity.js').IntegrityCheck} IntegrityCheck */
/** @typedef {import('./integrity.js').Integrity} Integrity */

/**
 * What the writer answers each message with (writer.js).
 * @typedef {{ count: import('./writer.js').CountAnswer; stop: import('./writer.js').StopAnswer }} WriterAnswers
 */

/**
 * @typedef {object} CrashTestOptions
 * @property {'sqlite' | 'postgres'} database
 * @property {string | undefined} [databaseUrl] A durable server's URL; required on postgres.
 * @property {number} kills
 * @property {number} minSeconds
 * @property {number} maxSeconds
 * @property {number} [connections] The writer's lanes (8).
 * @property {(line: string) => void} [log]
 */

/**
 * @typedef {object} CrashTestResult
 * @property {'sqlite' | 'postgres'} database
 * @property {number} cycles
 * @property {{ cycle: number; afterMs: number; acknowledged: number }[]} perCycle Writes acknowledged between kills.
 * @property {number} seconds
 * @property {number} acknowledged
 * @property {number} tasksCreated
 * @property {number} tasksCompleted
 * @property {number} failedRequests Refused or cut while the server was down.
 * @property {number} checked Acknowledged writes looked for through the API.
 * @property {number} tasksChecked
 * @property {number} lost
 * @property {number} unanswered Found stored past the journal (committed, the answer cut).
 * @property {number} committedUnanswered The writer's own count of those.
 * @property {string[]} problems
 * @property {Integrity} integrity
 * @property {boolean} ok
 */

/**
 * @param {number} ms
 * @returns {Promise<void>}
 */
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Sends the writer a message and waits for its answer.
 * @template {keyof WriterAnswers} M
 * @param {import('node:child_process').ChildProcess} child
 * @param {M} message
 * @returns {Promise<WriterAnswers[M]>}
 */
function ask(child, message) {
  return new Promise((resolve, reject) => {
    /** @param {number | null} code */
    const onExit = (code) => reject(new Error(`the writer exited (${code}) before answering ${message}`));
    child.once('exit', onExit);
    child.once('message', (answer) => {
      child.off('exit', onExit);
      // The writer's answers are typed where it sends them.
      resolve(/** @type {WriterAnswers[M]} */ (answer));
    });
    child.send(message);
  });
}

/**
 * The writer's service token, for the checks through the API.
 * @param {string} url
 */
const signIn = (url) => passwordToken(url, WRITER, PROJECT_ID);

/**
 * Runs the test. `database` 'sqlite' or 'postgres' (then `databaseUrl`, a durable server's
 * URL, is required); `kills` the number of SIGKILLs; each comes a random time between
 * `minSeconds` and `maxSeconds` after the server last said it listens. `log` gets progress lines.
 * @param {CrashTestOptions} options
 * @returns {Promise<CrashTestResult>}
 */
export async function runCrashTest({
  database,
  databaseUrl,
  kills,
  minSeconds,
  maxSeconds,
  connections = 8,
  log = () => {},
}) {
  const dataDir = mkdtempSync(join(tmpdir(), `ddm-jobs-crash-${database}-`));
  // PostgreSQL's schema of this run (unused on SQLite).
  const databaseSchema = `crash_${randomBytes(6).toString('hex')}`;
  const location = database === 'postgres' ? { dataDir, databaseUrl, databaseSchema } : { dataDir };
  if (database === 'postgres' && !databaseUrl) throw new Error('crash test on postgres: no databaseUrl');
  const bootstrap = writeBootstrap(dataDir);
  const journal = join(dataDir, 'journal.txt');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let server;
  /** @type {import('node:child_process').ChildProcess | undefined} */
  let writer;
  const started = performance.now();
  try {
    server = await startServe(location, port, bootstrap);
    /** @type {import('./writer.js').WriterOptions} */
    const writerOptions = {
      url,
      journal,
      projectId: PROJECT_ID,
      user: WRITER.name,
      password: WRITER.password,
      connections,
    };
    const child = fork(WRITER_SCRIPT, [], {
      env: { ...process.env, CRASH_WRITER: JSON.stringify(writerOptions) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    writer = child;
    await new Promise((resolve, reject) => {
      child.once('message', resolve);
      child.once('exit', (code) => reject(new Error(`the writer exited (${code}) before it started`)));
    });

    const cycles = [];
    let before = 0;
    for (let cycle = 1; cycle <= kills; cycle++) {
      const waitMs = Math.round((minSeconds + Math.random() * (maxSeconds - minSeconds)) * 1000);
      await pause(waitMs);
      await killServe(server);
      const { acknowledged } = await ask(writer, 'count');
      cycles.push({ cycle, afterMs: waitMs, acknowledged: acknowledged - before });
      log(
        `${database}: kill ${cycle}/${kills} after ${waitMs} ms, ${acknowledged - before} writes acknowledged since the last`,
      );
      before = acknowledged;
      server = await startServe(location, port, bootstrap);
    }
    await pause(FINAL_RUN_MS);
    const totals = await ask(writer, 'stop');
    if (totals.failure) throw new Error(`the writer failed: ${totals.failure}`);

    log(`${database}: checking ${totals.acknowledged} acknowledged writes through the API`);
    const verified = await verifyJournal(url, await signIn(url), journal);
    // The database as a crash leaves it: killed, not shut down, before its check.
    await killServe(server);
    log(`${database}: integrity check`);
    const integrity =
      database === 'postgres' && databaseUrl
        ? await checkPostgres(databaseUrl, databaseSchema)
        : checkSqlite(dataDir);
    return {
      database,
      cycles: cycles.length,
      perCycle: cycles,
      seconds: (performance.now() - started) / 1000,
      acknowledged: totals.acknowledged,
      tasksCreated: totals.created,
      tasksCompleted: totals.completed,
      failedRequests: totals.failedRequests,
      checked: verified.checked,
      tasksChecked: verified.tasksChecked,
      lost: verified.lost,
      unanswered: verified.unanswered,
      committedUnanswered: totals.committedUnanswered,
      problems: verified.problems,
      integrity,
      ok:
        verified.lost === 0 &&
        verified.problems.length === 0 &&
        integrity.ok &&
        verified.checked === totals.acknowledged,
    };
  } finally {
    if (writer && writer.exitCode === null && writer.signalCode === null) writer.kill('SIGKILL');
    if (server) await killServe(server);
    if (database === 'postgres' && databaseUrl) await dropSchema(databaseUrl, databaseSchema);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * @param {string} databaseUrl
 * @param {string} schema
 */
async function dropSchema(databaseUrl, schema) {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}
