/**
 * Prepares a data folder for a benchmark: declared identities (through applyBootstrap) and tasks
 * (through store.recordJob). Runs in the orchestrator before the server child opens the folder.
 */
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyBootstrap, openStore, systemClock } from '@ddm-jobs/server';

/** @import { NewJob, Store, StoreLocation } from '@ddm-jobs/server' */

export const DAY_MS = 86_400_000;
export const USER = { name: 'bench', password: 'bench-password-1' };

const NAMES = ['CreateInstance', 'EnlargeNode', 'ReduceNode', 'RestartInstance', 'BindEIP', 'migrateLogicDb'];

/**
 * A plausible task: mostly finished, some running, a few failed.
 *
 * @param {number} i
 * @param {string} projectId
 * @param {number} createdAt
 * @param {NewJob['status']} [status] the default depends on `i`
 * @returns {NewJob}
 */
export function taskFields(i, projectId, createdAt, status) {
  const chosen = status ?? (i % 10 === 0 ? 'Failed' : i % 5 === 1 ? 'Running' : 'Completed');
  const finished = chosen === 'Completed' || chosen === 'Failed';
  return {
    id: randomUUID(),
    projectId,
    name: NAMES[i % NAMES.length] ?? 'CreateInstance',
    status: chosen,
    progress: finished ? 100 : (i * 7) % 100,
    failReason: chosen === 'Failed' ? 'DBS.280305: the node did not answer in time.' : '',
    instanceId: `${(i % 97).toString(16).padStart(8, '0')}c3a44d5e8b1f2a6d7e9f0ain09`,
    instanceName: `ddm-bench-${i % 97}`,
    databaseName: i % 3 === 0 ? `orders_${i % 13}` : '',
    createdAt,
    endedAt: finished ? createdAt + 60_000 : null,
    switchBegin: null,
    switchEnd: null,
    createDigest: 'bench',
  };
}

/**
 * Creates the projects (with fixed ids) and the user `bench` holding `roles` on each.
 *
 * @param {Store} store
 * @param {{ id: string; name: string }[]} projects
 * @param {string[]} roles
 */
export async function seedIdentities(store, projects, roles) {
  await applyBootstrap(
    store,
    {
      projects: projects.map((p) => ({ name: p.name, id: p.id })),
      users: [
        {
          name: USER.name,
          password: USER.password,
          roles: projects.map((p) => ({ project: p.name, roles })),
        },
      ],
    },
    systemClock,
  );
}

/**
 * Records `count` tasks evenly spread over `spanMs` before `now`: task k (0 the newest) is created
 * at now - (k + 0.5) * spanMs / count. Returns the ids, newest first.
 *
 * @param {Store} store
 * @param {string} projectId
 * @param {number} count
 * @param {number} spanMs
 * @param {number} now
 * @param {NewJob['status']} [status] as taskFields by default
 * @returns {Promise<string[]>}
 */
export async function recordTasks(store, projectId, count, spanMs, now, status) {
  const spacing = spanMs / count;
  /** @type {string[]} */
  const ids = [];
  for (let k = 0; k < count; k++) {
    const job = taskFields(k, projectId, Math.floor(now - (k + 0.5) * spacing), status);
    const result = await store.recordJob(job, now);
    if (result.outcome !== 'created') throw new Error(`task ${k} not created: ${result.outcome}`);
    ids.push(job.id);
  }
  return ids;
}

/**
 * Opens the store at `location` (see database.js), runs `fill(store)`, closes it.
 *
 * @template T
 * @param {StoreLocation} location
 * @param {(store: Store) => Promise<T>} fill
 * @returns {Promise<T>}
 */
export async function withStore(location, fill) {
  const store = await openStore(location);
  try {
    return await fill(store);
  } finally {
    await store.close();
  }
}

/** @type {Set<string>} */
const dataDirs = new Set();
// Interrupted (process.exit skips the finally below): the folders go anyway.
process.once('exit', () => {
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

/**
 * Runs `use(dir)` with a fresh temporary data folder, removed afterwards.
 *
 * @template T
 * @param {string} label part of the folder's name
 * @param {(dir: string) => Promise<T>} use
 * @returns {Promise<T>}
 */
export async function withDataDir(label, use) {
  const dir = await mkdtemp(join(tmpdir(), `ddm-jobs-bench-${label}-`));
  dataDirs.add(dir);
  try {
    return await use(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
    dataDirs.delete(dir);
  }
}
