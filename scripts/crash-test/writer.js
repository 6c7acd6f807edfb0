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

const options = JSON.parse(process.env.CRASH_WRITER ?? '{}');
const { url, journal, projectId, user, password, connections } = options;
const REQUEST_TIMEOUT_MS = 30_000;
const RETRY_PAUSE_MS = 25;

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

/** A journal line: id, version, status, progress of an acknowledged write. */
function acknowledge(job) {
  writeSync(fd, `${job.id} ${job.version} ${job.status} ${job.progress}\n`);
  totals.acknowledged++;
}

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

let token;
let signingIn;
/** The service user's token; one sign-in shared by every lane, again after a 401. */
function currentToken() {
  if (token) return Promise.resolve(token);
  signingIn ??= signIn().finally(() => {
    signingIn = undefined;
  });
  return signingIn;
}

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
 */
async function call(method, path, body) {
  const used = await currentToken();
  try {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { 'x-auth-token': used, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
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

/** Reads a task back after a cut report, until the server answers. */
async function readBack(id) {
  for (;;) {
    const job = await call('GET', `/internal/v1/jobs/${id}`);
    if (job) return job;
    if (job === null) throw new Error(`task ${id} was acknowledged but is not found`);
    await pause(RETRY_PAUSE_MS);
  }
}

/** One task from its creation to Completed, or until the runner says stop. */
async function oneTask(lane, n) {
  const body = {
    id: randomUUID(),
    project_id: projectId,
    name: 'CreateInstance',
    instance_id: `crash${lane}x${n}`,
    instance_name: `crash-test-${lane}-${n}`,
  };
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

async function lane(index) {
  for (let n = 0; !stopping; n++) await oneTask(index, n);
}

const lanes = Array.from({ length: connections }, (_, i) => lane(i));
let failure;
Promise.all(lanes).catch((error) => {
  failure = error instanceof Error ? error.message : String(error);
  stopping = true;
});

process.on('message', async (message) => {
  if (message === 'count') {
    process.send({ acknowledged: totals.acknowledged });
  } else if (message === 'stop') {
    stopping = true;
    await Promise.allSettled(lanes);
    closeSync(fd);
    process.send({ ...totals, failure }, () => process.exit(0));
  }
});
// The runner died: stop rather than write on.
process.once('disconnect', () => process.exit(0));
process.send({ started: true });
