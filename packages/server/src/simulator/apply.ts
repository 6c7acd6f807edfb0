import { createHash, randomUUID } from 'node:crypto';
import {
  createZoneOffset,
  FINISHED_STATUSES,
  formatDailyTime,
  inputExcerpt,
  type NewLogLine,
  type ZoneOffset,
} from '@ddm-jobs/contract';
import type { Clock } from '../clock/clock.js';
import { DEFAULT_DOMAIN } from '../identity/ids.js';
import type { Producer } from '../jobs/producer.js';
import type { Store } from '../store/interfaces.js';
import { applyInventory } from './inventory.js';
import { encode, isSettled } from './plan.js';
import { type Scenario, ScenarioError, type ScenarioTaskPlan } from './scenario.js';
import { movesUntil, type Plan, progressAt } from './timeline.js';

export interface ApplyDeps {
  store: Store;
  producer: Producer;
  clock: Clock;
  /** The IANA zone daily switch windows are read in (`--time-zone`); UTC by default. */
  timeZone?: string | undefined;
}

/**
 * The id of copy `index` of a task declared with a fixed id and a count: a UUID (version 8) from
 * a SHA-256 of both, so that applying the scenario again finds the same copies.
 */
export function copyId(id: string, index: number): string {
  const hex = createHash('sha256').update(`${id}#${index}`).digest('hex').slice(0, 32).split('');
  hex[12] = '8';
  hex[16] = ((Number.parseInt(hex[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

async function resolveProjects(store: Store, scenario: Scenario): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (const task of scenario.tasks) {
    const ref = task.project ?? scenario.project;
    const field = task.project === undefined ? 'project' : `${task.path}.project`;
    if (ref === undefined)
      throw new ScenarioError(
        scenario.source,
        `project is required, at the top of the scenario or in each task (${task.path} has none).`,
      );
    if (ids.has(ref)) continue;
    const project =
      (await store.findProject({ id: ref })) ??
      (await store.findProject({ name: ref, domainId: DEFAULT_DOMAIN }));
    if (!project)
      throw new ScenarioError(
        scenario.source,
        `${field} names no project: "${inputExcerpt(ref)}" is neither a project id nor a project name in the default domain.`,
      );
    ids.set(ref, project.id);
  }
  return ids;
}

interface Planned {
  id: string;
  body: Record<string, unknown>;
  simulation: { plan: Plan; step: number; stepStartedAt: number } | undefined;
  /** The run-log lines of the steps reached by now, each group timed when its step began. */
  logs: { lines: NewLogLine[]; at: number }[];
}

/** What a copy of a task is at `now`, created at `createdAt`: the body recording it, and its simulation. */
function plan(
  task: ScenarioTaskPlan,
  id: string,
  projectId: string,
  createdAt: number,
  now: number,
  offsetAt: ZoneOffset,
): Planned {
  const window = task.window;
  const planned: Plan = {
    v: 1,
    steps: task.steps,
    window: { begin: window?.begin ?? null, end: window?.end ?? null, since: createdAt },
    cancel: task.cancel,
    rollback: task.rollback,
    retry: task.retry,
  };
  const moves = movesUntil(planned, 0, createdAt, now, offsetAt);
  const last = moves.at(-1);
  const step = last?.step ?? 0;
  const start = last?.at ?? createdAt;
  const current = planned.steps[step];
  if (!current) throw new Error(`scenario plan of ${task.path} has no step ${step}`);
  const body: Record<string, unknown> = {
    id,
    project_id: projectId,
    name: task.name,
    instance_id: task.instance.id,
    instance_name: task.instance.name,
    database_name: task.database,
    status: current.status,
    progress: progressAt(current, start, now),
    created_at: createdAt,
  };
  if (current.reason !== undefined) body.fail_reason = current.reason;
  if (FINISHED_STATUSES.has(current.status)) body.ended_at = start;
  if (window) {
    body.switch_route_begin_time = formatDailyTime(window.begin);
    body.switch_route_end_time = formatDailyTime(window.end);
  }
  const settled = isSettled(task.name, current.status);
  // The log reads as if the task had run since its creation: every step reached so far.
  const logs = [{ step: 0, at: createdAt }, ...moves].flatMap(({ step: index, at }) => {
    const lines = planned.steps[index]?.logs;
    return lines?.length ? [{ lines, at }] : [];
  });
  return {
    id,
    body,
    simulation: settled ? undefined : { plan: planned, step, stepStartedAt: start },
    logs,
  };
}

/**
 * Records the tasks of a scenario, each in the state its timeline reaches now, and hands the
 * unfinished ones to the simulator. Everything is checked (projects included) before anything is
 * recorded. A task whose id exists already, or existed and was cleaned, is left alone, so a
 * scenario with fixed ids can be applied again. Answers the ids of the tasks recorded.
 */
export async function applyScenario(deps: ApplyDeps, scenario: Scenario): Promise<{ jobs: string[] }> {
  const { store, producer, clock } = deps;
  const now = clock.now();
  const offsetAt = createZoneOffset(deps.timeZone);
  const projects = await resolveProjects(store, scenario);
  if (scenario.inventory) await applyInventory(deps, scenario.inventory, scenario.source, scenario.project);
  const planned: Planned[] = [];
  for (const task of scenario.tasks) {
    const projectId = projects.get(task.project ?? scenario.project ?? '') as string;
    for (let index = 0; index < task.count; index++) {
      const createdAt = now + task.start + index * task.every;
      if (createdAt < 0)
        throw new ScenarioError(scenario.source, `${task.path}.start lies before the clock's epoch.`);
      const id = task.id === undefined ? randomUUID() : task.count === 1 ? task.id : copyId(task.id, index);
      planned.push(plan(task, id, projectId, createdAt, now, offsetAt));
    }
  }
  const jobs: string[] = [];
  for (const { id, body, simulation, logs } of planned) {
    if ((await store.getJob(id)) || (await store.findRemovedJob(id))) continue;
    const { created } = await producer.record(body);
    if (!created) continue;
    for (const { lines, at } of logs) await store.appendRunLogs(id, lines, at);
    if (simulation) await store.saveSimulation(encode({ jobId: id, ...simulation }));
    jobs.push(id);
  }
  return { jobs };
}
