/**
 * What the load starts from: tokens of the two declared users (Keystone's password method, as
 * clients sign in) and a week of tasks recorded through the producer API, for lists and reads.
 */
import { randomUUID } from 'node:crypto';
import { passwordToken } from '../password-token.js';
import { PROJECT, TENANT, WORKER } from './server.js';

const NAMES = ['CreateInstance', 'EnlargeNode', 'ReduceNode', 'RestartInstance', 'BindEIP'];
export const SEEDED_SPAN_MS = 7 * 86_400_000;

/**
 * The two users' tokens: the tenant administrator's and the producer's.
 *
 * @typedef {{ tenant: string; worker: string }} Tokens
 */

/**
 * A token of a declared user, scoped to the soak project.
 *
 * @param {string} url
 * @param {{ name: string; password: string }} user
 * @returns {Promise<string>}
 */
export const signIn = (url, user) => passwordToken(url, user, PROJECT.id);

/**
 * @param {string} url
 * @returns {Promise<Tokens>}
 */
export const tokens = async (url) => ({
  tenant: await signIn(url, TENANT),
  worker: await signIn(url, WORKER),
});

/**
 * Records `count` finished and running tasks spread evenly over the last week, 16 at a time.
 * Returns their ids.
 *
 * @param {string} url
 * @param {string} workerToken
 * @param {number} count
 * @returns {Promise<string[]>}
 */
export async function seedTasks(url, workerToken, count) {
  const now = Date.now();
  /** @type {string[]} */
  const ids = [];
  let next = 0;
  /** @param {number} i */
  const one = async (i) => {
    const id = randomUUID();
    const status = i % 10 === 0 ? 'Failed' : i % 5 === 1 ? 'Running' : 'Completed';
    const createdAt = Math.floor(now - (i + 0.5) * (SEEDED_SPAN_MS / count));
    const finished = status !== 'Running';
    const body = {
      id,
      project_id: PROJECT.id,
      name: NAMES[i % NAMES.length],
      instance_id: `${(i % 97).toString(16).padStart(8, '0')}c3a44d5e8b1f2a6d7e9f0ain09`,
      instance_name: `ddm-soak-${i % 97}`,
      status,
      progress: finished ? 100 : (i * 7) % 100,
      created_at: createdAt,
      ...(finished ? { ended_at: createdAt + 60_000 } : {}),
      ...(status === 'Failed' ? { fail_reason: 'DBS.280305: the node did not answer in time.' } : {}),
    };
    const response = await fetch(`${url}/internal/v1/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-auth-token': workerToken },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    if (response.status !== 201) throw new Error(`seeding task ${i}: ${response.status} ${text}`);
    ids.push(id);
  };
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < count) await one(next++);
    }),
  );
  return ids;
}
