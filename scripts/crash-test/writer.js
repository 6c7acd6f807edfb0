/**
 * Child process of the crash test: records tasks and reports their progress at full speed over
 * several connections, and appends every write to the journal only once its 2xx has arrived. It
 * outlives the servers the runner kills: a refused or cut request is retried (the same creation
 * again, which the server answers as a replay) or, for a report, the task is read back to learn
 * whether the cut request was applied, and its life goes on from there.
 *
 *   fork('writer.js', { env: { CRASH_WRITER: JSON.stringify({ url, journal, projectId, user, password, connections }) } })
 *
 * (in the environment, not the arguments: a password in argv shows in every `ps`.)
 *
 * Messages from the runner: 'count' (answered with { acknowledged }), 'stop' (the lanes end after
 * their current request; answered with the totals, then the process exits).
 */

import { randomUUID } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';
import { passwordToken } from '../password-token.js';
import { FINAL_VERSION, reportAfter } from './task-steps.js';

/**
 * What the runner passes in CRASH_WRITER.
 * @typedef {object} WriterOptions
 * @property {string} url The server's URL (the same port across restarts).
 * @property {string} journal The file acknowledged writes are appended to.
 * @property {string} projectId
 * @property {string} user The service user's name.
 * @property {string} password
 * @property {number} connections Lanes writing at once.
 */

/** @type {WriterOptions} */
const options = JSON.parse(process.env.CRASH_WRITER ?? '{}');
const { url, journal, projectId, user, password, connections } = options;
const REQUEST_TIMEOUT_MS = 30_000;
const RETRY_PAUSE_MS = 25;

// The runner's channel: without it there is nobody to answer (start this with fork()).
const send = process.send?.bind(process);
if (!send) throw new Error('crash-test writer: no IPC channel; the runner starts it with fork()');

const fd = openSync(journal, 'a');
let stopping = false;
// committedUnanswered: writes the kill cut after their commit (a replayed creation answered 200,
// or a report the task shows applied when read back): evidence that the kills hit writes in flight.
const totals = {
  acknowledged: 0,
  created: 0,
  completed: 0,
  failedRequests: 0,
  signIns: 0,
  committedUnanswered: 0,
};

/**
 * The answer to 'count'.
 * @typedef {{ acknowledged: number }} CountAnswer
 */
/**
 * The answer to 'stop': the totals, and why a lane failed if one did.
 * @typedef {typeof totals & { failure?: string | undefined }} StopAnswer
 */

/**
 * A journal line: id, version, status, progress of an acknowledged write.
 * @param {import('./task-steps.js').Job} job
 */
function acknowledge(job) {
  writeSync(fd, `${job.id} ${job.version} ${job.status} ${job.progress}\n`);
  totals.acknowledged++;
}

/** @param {number} ms */
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** @type {string | undefined} */
let token;
/** @type {Promise<string> | undefined} */
let signingIn;
/**
 * The service user's token; one sign-in shared by every lane, again after a 401.
 * @returns {Promise<string>}
 */
function currentToken() {
  if (token) return Promise.resolve(token);
  signingIn ??= signIn().finally(() => {
    signingIn = undefined;
  });
  return signingIn;
}

/** @returns {Promise<string>} */
async function signIn() {
  for (;;) {
    try {
      token = await passwordToken(url, { name: user, password }, projectId, {
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      totals.signIns++;
      return token;
    } catch {
      // The server is down or starting: try again shortly.
      totals.failedRequests++;
      await pause(RETRY_PAUSE_MS);
    }
  }
}

/**
 * One request to the internal API until it is answered: the job of a 2xx, `null` for a 404, or
 * undefined when the request failed (refused, cut, or an unexpected answer) and may or may not
 * have been applied.
 * @param {string} method
 * @param {string} path
 * @param {object} [body]
 * @returns {Promise<import('./task-steps.js').Job | null | undefined>}
 */
async function call(method, path, body) {
  const used = await currentToken();
  try {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { 'x-auth-token': used, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : null,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await response.text();
    // Only a retried creation is answered 200 (a replay): the cut first one had been committed.
    if (response.status === 200 && method === 'POST') totals.committedUnanswered++;
    if (response.status === 200 || response.status === 201) return JSON.parse(text).job;
    if (response.status === 404) return null;
    if (response.status === 401 && token === used) token = undefined;
    if (response.status !== 401 && response.status !== 503) {
      process.stderr.write(`crash-test writer: ${method} ${path} answered ${response.status}: ${text}\n`);
    }
  } catch {
    // Refused or cut by the kill: the caller decides what the write's fate can be.
  }
  totals.failedRequests++;
  return undefined;
}

/**
 * Reads a task back after a cut report, until the server answers.
 * @param {string} id
 * @returns {Promise<import('./task-steps.js').Job>}
 */
async function readBack(id) {
  for (;;) {
    const job = await call('GET', `/internal/v1/jobs/${id}`);
    if (job) return job;
    if (job === null) throw new Error(`task ${id} was acknowledged but is not found`);
    await pause(RETRY_PAUSE_MS);
  }
}

/**
 * One task from its creation to Completed, or until the runner says stop.
 * @param {number} lane
 * @param {number} n The lane's task number.
 */
async function oneTask(lane, n) {
  const body = {
    id: randomUUID(),
    project_id: projectId,
    name: 'CreateInstance',
    instance_id: `crash${lane}x${n}`,
    instance_name: `crash-test-${lane}-${n}`,
  };
  /** @type {import('./task-steps.js').Job | null | undefined} */
  let job;
  // The same creation until it is acknowledged: a replay of an applied one answers 200.
  while (!job) {
    if (stopping) return;
    job = await call('POST', '/internal/v1/jobs', body);
    if (job === undefined) await pause(RETRY_PAUSE_MS);
  }
  acknowledge(job);
  totals.created++;
  while (job.version < FINAL_VERSION) {
    if (stopping) return;
    const answer = await call('PATCH', `/internal/v1/jobs/${body.id}`, reportAfter(job.version));
    if (answer === null) throw new Error(`task ${body.id} was acknowledged but is not found`);
    if (answer) {
      acknowledge(answer);
      job = answer;
    } else {
      // Applied or not, the stored task says where its life goes on.
      await pause(RETRY_PAUSE_MS);
      const stored = await readBack(body.id);
      if (stored.version > job.version) totals.committedUnanswered++;
      job = stored;
    }
  }
  totals.completed++;
}

/** @param {number} index */
async function lane(index) {
  for (let n = 0; !stopping; n++) await oneTask(index, n);
}

const lanes = Array.from({ length: connections }, (_, i) => lane(i));
/** @type {string | undefined} */
let failure;
Promise.all(lanes).catch((error) => {
  failure = error instanceof Error ? error.message : String(error);
  stopping = true;
});

process.on('message', async (message) => {
  if (message === 'count') {
    send(/** @satisfies {CountAnswer} */ ({ acknowledged: totals.acknowledged }));
  } else if (message === 'stop') {
    stopping = true;
    await Promise.allSettled(lanes);
    closeSync(fd);
    send(/** @satisfies {StopAnswer} */ ({ ...totals, failure }), () => process.exit(0));
  }
});
// The runner died: stop rather than write on.
process.once('disconnect', () => process.exit(0));
send({ started: true });
