/**
 * The life of every task the crash test's writer records, the same for all of them, so that a
 * task's stored version alone tells the state it must be in:
 *
 *   version 1            Running, progress 0      (POST /internal/v1/jobs)
 *   version 1 + k        Running, progress k      (PATCH {progress: k}, k = 1..PROGRESS_STEPS)
 *   version FINAL        Completed, progress 100  (PATCH {status: Completed, progress: 100})
 *
 * One writer connection owns a task from its creation to its end, so no two reports race.
 */
export const PROGRESS_STEPS = 8;
export const FINAL_VERSION = PROGRESS_STEPS + 2;

/**
 * A task as the internal API answers it: the fields the crash test reads.
 * @typedef {object} Job
 * @property {string} id
 * @property {number} version
 * @property {string} status
 * @property {number} progress
 */

/**
 * The state a task at `version` is in, or undefined for a version the life never reaches.
 * @param {number} version
 * @returns {{ status: 'Running' | 'Completed'; progress: number } | undefined}
 */
export function stateAt(version) {
  if (!Number.isInteger(version) || version < 1 || version > FINAL_VERSION) return undefined;
  if (version === FINAL_VERSION) return { status: 'Completed', progress: 100 };
  return { status: 'Running', progress: version - 1 };
}

/**
 * The request that takes a task from `version` to the next one (after the creation).
 * @param {number} version
 * @returns {{ status?: 'Completed'; progress: number }}
 */
export function reportAfter(version) {
  return version === FINAL_VERSION - 1 ? { status: 'Completed', progress: 100 } : { progress: version };
}
