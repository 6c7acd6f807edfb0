/**
 * After the last crash: every write the journal holds (acknowledged by a 2xx) must be in the
 * server's answer to GET /internal/v1/jobs/{id}. A task's later writes include its earlier ones
 * (its version only grows, and its life is fixed: see task-steps.js), so an acknowledged write
 * is present when the stored version is at least its version and the stored state is exactly the
 * state of the stored version. Writes past the journal are allowed (and counted): a
 * request the kill cut may have been committed before its answer was lost.
 */
import { readFileSync } from 'node:fs';
import { stateAt } from './task-steps.js';

const CONCURRENCY = 16;

/**
 * The journal as { id -> { version, count } }: the highest acknowledged version, and how many writes.
 * @param {string} file
 * @returns {{ tasks: Map<string, { version: number; count: number }>; writes: number }}
 */
export function readJournal(file) {
  /** @type {Map<string, { version: number; count: number }>} */
  const tasks = new Map();
  let writes = 0;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line) continue;
    // split gives at least one part: the id is always there.
    const [id, version, status, progress] = /** @type {[string, ...string[]]} */ (line.split(' '));
    const v = Number(version);
    const expected = stateAt(v);
    // The answer itself must agree with the task's life, or the check below proves nothing.
    if (!expected || expected.status !== status || expected.progress !== Number(progress)) {
      throw new Error(`journal line "${line}" is not a state of the task's life`);
    }
    const known = tasks.get(id) ?? { version: 0, count: 0 };
    known.version = Math.max(known.version, v);
    known.count++;
    tasks.set(id, known);
    writes++;
  }
  return { tasks, writes };
}

/**
 * Checks every journaled task through the API with `token`. Returns the writes checked, the lost
 * ones (acknowledged, not stored), the unanswered ones found stored, and the first few problems, described.
 * @param {string} url
 * @param {string} token
 * @param {string} journalFile
 * @returns {Promise<{ writes: number; checked: number; lost: number; unanswered: number; tasks: number; tasksChecked: number; problems: string[] }>}
 */
export async function verifyJournal(url, token, journalFile) {
  const { tasks, writes } = readJournal(journalFile);
  const entries = [...tasks];
  let checked = 0;
  let lost = 0;
  let tasksChecked = 0;
  let unanswered = 0;
  /** @type {string[]} */
  const problems = [];
  /** @param {string} text */
  const report = (text) => {
    if (problems.length < 20) problems.push(text);
  };
  let next = 0;
  const worker = async () => {
    while (next < entries.length) {
      // Taken in the same tick as the length check: it exists.
      const [id, acknowledged] = /** @type {(typeof entries)[number]} */ (entries[next++]);
      const response = await fetch(`${url}/internal/v1/jobs/${id}`, { headers: { 'x-auth-token': token } });
      const text = await response.text();
      tasksChecked++;
      checked += acknowledged.count;
      if (response.status === 404) {
        lost += acknowledged.count;
        report(`task ${id}: acknowledged up to version ${acknowledged.version}, not found`);
        continue;
      }
      if (response.status !== 200)
        throw new Error(`GET /internal/v1/jobs/${id} answered ${response.status}: ${text}`);
      /** @type {import('./task-steps.js').Job} */
      const job = JSON.parse(text).job;
      const expected = stateAt(job.version);
      if (job.version < acknowledged.version) {
        // Each version is one write: the ones above the stored version are gone.
        lost += acknowledged.version - job.version;
        report(`task ${id}: acknowledged version ${acknowledged.version}, stored ${job.version}`);
      } else if (!expected || expected.status !== job.status || expected.progress !== job.progress) {
        lost += 1;
        report(
          `task ${id}: version ${job.version} stored as ${job.status} ${job.progress}, not its life's state`,
        );
      } else if (job.version > acknowledged.version) {
        // Committed, but the kill cut the answer: allowed, and worth counting.
        unanswered += job.version - acknowledged.version;
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { writes, checked, lost, unanswered, tasks: tasks.size, tasksChecked, problems };
}
