/**
 * The list requests of the throughput scenario: each with its own window start and offset, so
 * that no cache of identical URLs helps, yet each answers a full page.
 *
 * The tasks were seeded evenly (task k, 0 the newest, at seedNow - (k + 0.5) * spacing). An offset
 * is drawn in 0..maxOffset, then a window start between 30 days ago (less a minute) and the
 * creation of task offset + limit, so the window always holds offset + limit tasks.
 */
export const THIRTY_DAYS_MS = 30 * 86_400_000;

/**
 * Where the seeded tasks are and which pages to ask for.
 *
 * @typedef {object} ListSpec
 * @property {string} projectId
 * @property {number} seedNow when the tasks were seeded (epoch ms)
 * @property {number} spacing ms between two consecutive tasks
 * @property {number} maxOffset
 * @property {number} limit
 */

/**
 * @param {ListSpec} spec
 * @returns {() => string} a new path at each call
 */
export function listPathMaker({ projectId, seedNow, spacing, maxOffset, limit }) {
  return () => {
    const now = Date.now();
    const offset = Math.floor(Math.random() * (maxOffset + 1));
    const earliest = now - THIRTY_DAYS_MS + 60_000;
    const latest = seedNow - (offset + limit) * spacing;
    const start = Math.floor(earliest + Math.random() * (latest - earliest));
    return `/v3/${projectId}/jobs?start_time=${start}&end_time=${now}&offset=${offset}&limit=${limit}`;
  };
}
