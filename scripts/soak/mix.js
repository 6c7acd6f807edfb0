/**
 * The soak's traffic: each arrival of the fixed-rate schedule is one request of a kind drawn by
 * weight. Every request's answer is known in advance, so any other answer is a failure:
 *
 * - `list`: a page of the tenant's tasks, each with its own window, offset and size (200);
 * - `read`: one seeded task (200);
 * - `record`: the producer records a new Running task (201);
 * - `progress`: the producer reports progress on one of those, at 100 % Completed (200); a task
 *   is out of the pool while its report is in flight, so no two reports race;
 * - `action`: the next step of a shard-migration flow the load drives end to end: the producer
 *   records the task in the status the action needs, the tenant acts, the producer reports the
 *   outcome, the tenant cleans up. A flow's steps run one after the other, so the tenant never
 *   races the producer and an action is never refused (DBS.300379 would be a failure here).
 */
import { randomUUID } from 'node:crypto';

export const WEIGHTS = { list: 35, read: 25, record: 10, progress: 20, action: 10 };

/** @typedef {keyof typeof WEIGHTS} Kind */

/**
 * One request of the mix.
 *
 * @typedef {object} MixRequest
 * @property {'GET' | 'POST' | 'PUT' | 'PATCH'} [method] GET unless named
 * @property {string} path
 * @property {keyof import('./seed.js').Tokens} user whose token it carries
 * @property {object} [body] sent as JSON
 * @property {number} expect the status of the expected answer
 */

/**
 * @typedef {object} MixAnswer
 * @property {boolean} ok the answer was the expected one
 * @property {number} status
 * @property {unknown} json the parsed body of an expected, non-empty answer
 */

/** @typedef {(kind: Kind, request: MixRequest) => Promise<MixAnswer>} Send */

// An expected answer's body is the one the contract gives its status: a record's 201 names the
// task in `job`, a retry's 202 the new task in `job_id`.
/** @typedef {import('@ddm-jobs/contract').InternalJobResponse} InternalJobResponse */
/** @typedef {import('@ddm-jobs/contract').ActionJobResponse} ActionJobResponse */

const NAMES = ['CreateInstance', 'EnlargeNode', 'ReduceNode', 'RestartInstance', 'BindEIP'];
const INSTANCE = 'soakinst0001';
const DATABASE = 'orders_soak';
const THIRTY_DAYS_MS = 30 * 86_400_000;

/**
 * `items[i]`, which the caller knows is there.
 *
 * @template T
 * @param {readonly T[]} items
 * @param {number} i
 * @returns {T}
 */
function itemAt(items, i) {
  const item = items[i];
  if (item === undefined) throw new RangeError(`no item ${i} among ${items.length}`);
  return item;
}

/**
 * @template T
 * @param {readonly T[]} items not empty
 */
const pick = (items) => itemAt(items, Math.floor(Math.random() * items.length));

/**
 * One step of a flow: the producer records the task in a status, the tenant acts on it (with the
 * status expected, and the switch strategy to send), or the producer reports on it.
 *
 * @typedef {[who: 'record', status: string]
 *   | [who: 'tenant', action: string, expected: number, strategy?: 'window' | 'manual']
 *   | [who: 'worker', report: Record<string, unknown>]} Step
 */

/**
 * The flows: each step is [who, method, path segment or producer report, expected status].
 * `task` is the flow's task; `retry` moves the flow onto the task the retry started.
 *
 * @type {Step[][]}
 */
const FLOWS = [
  // Running -> cancel -> CancelSuccess -> clean
  [
    ['record', 'Running'],
    ['tenant', 'cancel', 202],
    ['worker', { status: 'CancelSuccess' }],
    ['tenant', 'clean', 202],
  ],
  // Failed -> rollback -> RollbackSuccess -> clean
  [
    ['record', 'Failed'],
    ['tenant', 'rollback', 202],
    ['worker', { status: 'RollbackSuccess' }],
    ['tenant', 'clean', 202],
  ],
  // Failed -> retry (a new task, Running) -> ToBeSwitched -> route-switch -> Completed
  [
    ['record', 'Failed'],
    ['tenant', 'retry', 202],
    ['worker', { status: 'ToBeSwitched' }],
    ['tenant', 'route-switch', 200],
    ['worker', { status: 'Completed' }],
  ],
  // ToBeSwitched (manual) -> a switch window tomorrow -> manual again -> route-switch -> Completed
  [
    ['record', 'ToBeSwitched'],
    ['tenant', 'route-switch-strategy', 200, 'window'],
    ['tenant', 'route-switch-strategy', 200, 'manual'],
    ['tenant', 'route-switch', 200],
    ['worker', { status: 'Completed' }],
  ],
];

const MANUAL = { switch_route_begin_time: '', switch_route_end_time: '' };

/** A daily switch window, as the cloud takes it (HH:mm:ss, one day, at least 60 minutes). */
const DAILY_WINDOW = { switch_route_begin_time: '02:00:00', switch_route_end_time: '04:00:00' };

/**
 * The traffic of one run. `send(kind, request)` makes a request and resolves with
 * `{ ok, status, json }` (ok: the answer was the expected one).
 *
 * @param {{ projectId: string; seededIds: readonly string[]; send: Send }} options
 */
export function createMix({ projectId, seededIds, send }) {
  /** @type {{ id: string; progress: number }[]} */
  const running = []; // producer tasks free for a report: { id, progress }
  /** @type {{ steps: Step[]; at: number; id: string | undefined }[]} */
  const ready = []; // flows whose next step may go: { steps, at, id }
  let flowCount = 0;

  const list = () => {
    const now = Date.now();
    const start = Math.floor(now - THIRTY_DAYS_MS + 60_000 + Math.random() * (THIRTY_DAYS_MS - 3_600_000));
    const end = Math.floor(start + 3_600_000 + Math.random() * (now - start - 3_600_000));
    const limit = pick([10, 20, 50, 128]);
    const offset = pick([0, 0, 0, 10, 50, 200]);
    return send('list', {
      path: `/v3/${projectId}/jobs?start_time=${start}&end_time=${end}&offset=${offset}&limit=${limit}`,
      user: 'tenant',
      expect: 200,
    });
  };

  const read = () =>
    send('read', { path: `/v3/${projectId}/jobs/${pick(seededIds)}`, user: 'tenant', expect: 200 });

  const record = async () => {
    const answer = await send('record', {
      method: 'POST',
      path: '/internal/v1/jobs',
      user: 'worker',
      expect: 201,
      body: {
        project_id: projectId,
        name: pick(NAMES),
        instance_id: `${Math.floor(Math.random() * 97)
          .toString(16)
          .padStart(8, '0')}c3a44d5e8b1f2a6d7e9f0ain09`,
        instance_name: 'ddm-soak',
        status: 'Running',
        progress: 0,
      },
    });
    if (answer.ok) running.push({ id: /** @type {InternalJobResponse} */ (answer.json).job.id, progress: 0 });
  };

  const progress = async () => {
    if (running.length === 0) return record();
    const task = itemAt(running.splice(Math.floor(Math.random() * running.length), 1), 0);
    const next = Math.min(100, task.progress + 20);
    const answer = await send('progress', {
      method: 'PATCH',
      path: `/internal/v1/jobs/${task.id}`,
      user: 'worker',
      expect: 200,
      body: next === 100 ? { status: 'Completed', progress: 100 } : { progress: next },
    });
    if (answer.ok && next < 100) running.push({ id: task.id, progress: next });
  };

  const actionStep = async () => {
    const flow = ready.shift() ?? { steps: itemAt(FLOWS, flowCount++ % FLOWS.length), at: 0, id: undefined };
    const [who, what, expected, strategy] = itemAt(flow.steps, flow.at);
    let answer;
    if (who === 'record') {
      answer = await send('action', {
        method: 'POST',
        path: '/internal/v1/jobs',
        user: 'worker',
        expect: 201,
        body: {
          id: randomUUID(),
          project_id: projectId,
          name: 'migrateLogicDb',
          instance_id: INSTANCE,
          instance_name: 'ddm-soak-migrations',
          database_name: DATABASE,
          status: what,
          ...(what === 'Failed' ? { fail_reason: 'DBS.280305: the shard did not answer in time.' } : {}),
        },
      });
      if (answer.ok) flow.id = /** @type {InternalJobResponse} */ (answer.json).job.id;
    } else if (who === 'tenant') {
      answer = await send('action', {
        method: 'PUT',
        path: `/v3/${projectId}/instances/${INSTANCE}/databases/${DATABASE}/migration/jobs/${flow.id}/${what}`,
        user: 'tenant',
        expect: expected,
        body: strategy === 'window' ? DAILY_WINDOW : strategy === 'manual' ? MANUAL : {},
      });
      if (answer.ok && what === 'retry') flow.id = /** @type {ActionJobResponse} */ (answer.json).job_id;
    } else {
      answer = await send('action', {
        method: 'PATCH',
        path: `/internal/v1/jobs/${flow.id}`,
        user: 'worker',
        expect: 200,
        body: what,
      });
    }
    // A flow that failed a step is dropped (the failure is counted); a finished one is done.
    if (answer.ok && flow.at + 1 < flow.steps.length) ready.push({ ...flow, at: flow.at + 1 });
  };

  /** @type {Record<Kind, () => Promise<unknown>>} */
  const kinds = { list, read, record, progress, action: actionStep };
  // Each kind as many times as its weight.
  /** @type {Kind[]} */
  const table = /** @type {[Kind, number][]} */ (Object.entries(WEIGHTS)).flatMap(([kind, weight]) =>
    Array(weight).fill(kind),
  );
  return {
    /** Makes the next arrival's request. */
    next: () => kinds[pick(table)](),
    state: () => ({ runningTasks: running.length, flowsStarted: flowCount, flowsWaiting: ready.length }),
  };
}
