import { readFile } from 'node:fs/promises';
import {
  aTask,
  canBeRecordedIn,
  canExpand,
  checkScenarioDocument,
  createValidator,
  type DailyWindow,
  EXECUTING_STATUSES,
  FAULT_LIMITS,
  type FaultRuleBody,
  type InventoryDeclaration,
  InventoryDeclarationSchema,
  isMigrationTask,
  isProducerMoveAllowed,
  type JobStatus,
  parseDailyTime,
  parseDuration,
  parseLogLines,
  SCENARIO_LIMITS,
  type ScenarioReaction,
  type ScenarioStep,
  type ScenarioTask,
} from '@ddm-jobs/contract';
import { checkFaultRule } from '../faults/rules.js';
import { yaml } from '../install/yaml.js';
import { MAX_SCENARIO_NESTING, nestingBound } from './nesting.js';
import { type PlanStep, type Reaction, reactionSteps, resolveSteps, type StepSpec } from './timeline.js';

/** A scenario that cannot be read or applied; `detail` names the field at fault and its rule. */
export class ScenarioError extends Error {
  override name = 'ScenarioError';
  /** The CLI exits with 2 (a usage error) on a bad scenario file. */
  readonly usage = true;
  constructor(
    readonly source: string,
    readonly detail: string,
  ) {
    super(`${source}: ${detail}`);
  }
}

/** One declared task (and its copies), checked and resolved. */
export interface ScenarioTaskPlan {
  /** Where it is declared (`tasks[2]`), for messages. */
  path: string;
  name: string;
  id: string | undefined;
  project: string | undefined;
  instance: { id: string; name: string };
  database: string;
  /** Creation of the first copy, relative to when the scenario is applied (<= 0). */
  start: number;
  count: number;
  every: number;
  /** The daily switch window given at creation; null: switched by hand. */
  window: DailyWindow | null;
  steps: PlanStep[];
  cancel: Reaction;
  rollback: Reaction;
  retry: PlanStep[];
}

export interface Scenario {
  /** The file, or what else the text came from, for messages. */
  source: string;
  project: string | undefined;
  tasks: ScenarioTaskPlan[];
  /** Instances, schemas and data nodes for shard changes (docs/scenarios.md, "Inventory"). */
  inventory?: InventoryDeclaration;
  /** Fault rules for the emulator (docs/scenarios.md, "Faults"). */
  faults?: FaultRuleBody[];
}

/** The instance of tasks that name none, here or at the top of the scenario. */
export const DEFAULT_INSTANCE = { id: 'c0ffee0ddba5e4a1b2c3d4e5f6a7b8c9in09', name: 'ddm-simulated' };
const DEFAULT_REACTION_MS = 10_000;
const DEFAULT_EVERY_MS = 60_000;
/** A healthy retry: it migrates in a minute, then waits for the tenant's route switch. */
const DEFAULT_RETRY: ScenarioStep[] = [
  { status: 'Running', progress: 100, over: 60_000 },
  { status: 'ToBeSwitched' },
];

/** Statuses only shard-migration tasks pass through. */
const MIGRATION_ONLY: ReadonlySet<JobStatus> = new Set([
  'ToBeSwitched',
  'Switching',
  'Canceling',
  'Rollbacking',
  'CancelSuccess',
  'RollbackSuccess',
]);

class Fault extends Error {}
const fault = (detail: string): never => {
  throw new Fault(detail);
};

/** `90m` → `1h30m`: durations in messages as a scenario writes them. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0';
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(ms);
  let text = '';
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
    ['ms', 1],
  ] as const) {
    if (rest >= size) {
      text += `${Math.floor(rest / size)}${unit}`;
      rest %= size;
    }
  }
  return sign + text;
}

function duration(value: string | number, path: string): number {
  const ms = parseDuration(value) ?? fault(`${path} must be a duration like 30s, 10m or 2h.`);
  if (Math.abs(ms) > SCENARIO_LIMITS.durationMs)
    fault(`${path} must be at most ${formatDuration(SCENARIO_LIMITS.durationMs)}.`);
  return ms;
}
const optionalDuration = (value: string | number | undefined, path: string) =>
  value === undefined ? undefined : duration(value, path);

interface Timeline {
  specs: StepSpec[];
  window: DailyWindow | null;
}

/**
 * Checks a timeline against the producer's state machine: the first status is one the task can
 * be recorded in, each next one a move a producer may report, and every step can begin.
 */
function checkTimeline(name: string, steps: ScenarioStep[], path: string, retry: boolean): Timeline {
  let window: Timeline['window'] = null;
  const specs = steps.map((step, i): StepSpec => {
    const at = `${path}[${i}]`;
    const { status } = step;
    if (!isMigrationTask(name) && MIGRATION_ONLY.has(status))
      fault(`${at}.status ${status} is for migration tasks (migrateLogicDb, retryMigrateLogicDb) only.`);
    if (status === 'Expanding' && !canExpand(name))
      fault(`${at}.status Expanding is for EnlargeNode and ReduceNode tasks only.`);
    const previous = steps[i - 1];
    if (!previous) {
      if (retry && status !== 'Running') fault(`${at}.status must be Running: a retry starts running.`);
      if (!canBeRecordedIn(name, status)) fault(`${at}.status: ${aTask(name)} is never ${status}.`);
    } else {
      if (!isProducerMoveAllowed(name, previous.status, status))
        fault(`${at}.status: ${aTask(name)} cannot move from ${previous.status} to ${status}.`);
      if (previous.over === undefined && previous.reads === undefined && previous.status !== 'ToBeSwitched')
        fault(`${at} can never begin: ${path}[${i - 1}] has neither over nor reads, so it lasts for ever.`);
    }
    if (step.reads !== undefined) {
      if (step.over !== undefined)
        fault(`${at}: give over or reads, not both: a step ends with the clock or with reads.`);
      if (status === 'ToBeSwitched')
        fault(`${at}.reads is not for ToBeSwitched steps: they wait for their window or the tenant.`);
      if (i === steps.length - 1) fault(`${at}.reads needs a step after it: the last step lasts for ever.`);
    }
    const over = optionalDuration(step.over, `${at}.over`);
    if (over !== undefined && !EXECUTING_STATUSES.has(status))
      fault(
        `${at}.over is for steps in Running, Expanding, Switching, Canceling or Rollbacking` +
          (status === 'ToBeSwitched' ? '; a ToBeSwitched step waits for its window or the tenant.' : '.'),
      );
    if (step.reason !== undefined && status !== 'Failed') fault(`${at}.reason is for Failed steps only.`);
    if (status === 'Failed' && step.reason === undefined)
      fault(`${at}.reason is required for a Failed step.`);
    if (step.window) {
      if (status !== 'ToBeSwitched') fault(`${at}.window is for ToBeSwitched steps only.`);
      if (retry) fault(`${at}.window cannot be given: a retry task has the failed task's window.`);
      // The schema checked the format; like a producer's, a window may cross midnight.
      window = {
        begin: parseDailyTime(step.window.begin) as number,
        end: parseDailyTime(step.window.end) as number,
      };
    }
    let logs: StepSpec['logs'];
    if (step.logs !== undefined) {
      const lines = parseLogLines({ logs: step.logs });
      if (!lines.ok) fault(`${at}.${lines.detail}`);
      else logs = lines.value;
    }
    return { status, progress: step.progress, over, reads: step.reads, reason: step.reason, logs };
  });
  return { specs, window };
}

function reaction(declared: ScenarioReaction | undefined, path: string): Reaction {
  return {
    after: optionalDuration(declared?.after, `${path}.after`) ?? DEFAULT_REACTION_MS,
    fail: declared?.fail ?? null,
  };
}

/** A timeline that ends waiting in ToBeSwitched goes on, once switched, as `on_switch` says. */
function withSwitch(timeline: StepSpec[], onSwitch: Reaction): PlanStep[] {
  const steps = resolveSteps(timeline);
  if (steps.at(-1)?.status !== 'ToBeSwitched') return steps;
  return [...steps, ...reactionSteps('Switching', onSwitch)];
}

function checkTask(task: ScenarioTask, path: string): ScenarioTaskPlan {
  const migration = isMigrationTask(task.name);
  for (const key of ['on_cancel', 'on_rollback', 'on_switch', 'on_retry'] as const) {
    if (task[key] !== undefined && !migration)
      fault(`${path}.${key} is for migration tasks only: tenants act on no other task.`);
  }
  if (migration && !task.database)
    fault(`${path}.database is required for a migration task: tenants name it in the action paths.`);
  const timeline = checkTimeline(task.name, task.steps, `${path}.steps`, false);
  const retry = checkTimeline(
    'retryMigrateLogicDb',
    task.on_retry?.steps ?? DEFAULT_RETRY,
    `${path}.on_retry.steps`,
    true,
  );
  const waitsForSwitch = (specs: StepSpec[]) => specs.at(-1)?.status === 'ToBeSwitched';
  if (task.on_switch && !waitsForSwitch(timeline.specs) && !waitsForSwitch(retry.specs))
    fault(
      `${path}.on_switch is for steps that end in ToBeSwitched (here or in on_retry); ` +
        'steps after ToBeSwitched tell how the switch goes.',
    );
  const onSwitch = reaction(task.on_switch, `${path}.on_switch`);
  const start = task.start === undefined ? 0 : duration(task.start, `${path}.start`);
  const count = task.count ?? 1;
  const every = optionalDuration(task.every, `${path}.every`) ?? DEFAULT_EVERY_MS;
  if (start + (count - 1) * every > 0)
    fault(
      `${path}.count: the last of ${count} copies would be created ${formatDuration(start + (count - 1) * every)} ` +
        'after the scenario is applied; start earlier, or lower count or every.',
    );
  return {
    path,
    name: task.name,
    id: task.id?.toLowerCase(),
    project: task.project,
    instance: task.instance ?? DEFAULT_INSTANCE,
    database: task.database ?? '',
    start,
    count,
    every,
    window: timeline.window,
    steps: withSwitch(timeline.specs, onSwitch),
    cancel: reaction(task.on_cancel, `${path}.on_cancel`),
    rollback: reaction(task.on_rollback, `${path}.on_rollback`),
    retry: withSwitch(retry.specs, onSwitch),
  };
}

/** The timeline a perform's migrateLogicDb task plays in the emulator, checked as a scenario task's. */
export interface ShardChangePlan {
  steps: PlanStep[];
  cancel: Reaction;
  rollback: Reaction;
  retry: PlanStep[];
}

/**
 * Checks a `shard_change` template (docs/scenarios.md, "Inventory") as a migration task's
 * timeline; its window comes from the tenant's perform, so no step may give one. Throws a
 * ScenarioError naming the field at fault.
 */
export function checkShardChangeTemplate(
  template: Omit<ScenarioTask, 'name'>,
  path: string,
  source: string,
): ShardChangePlan {
  try {
    template.steps.forEach((step, i) => {
      if (step.window)
        fault(`${path}.steps[${i}].window cannot be given: the perform's request sets the window.`);
    });
    const task = checkTask({ ...template, name: 'migrateLogicDb', database: 'template' }, path);
    return { steps: task.steps, cancel: task.cancel, rollback: task.rollback, retry: task.retry };
  } catch (error) {
    if (error instanceof Fault) throw new ScenarioError(source, error.message);
    throw error;
  }
}

const validateInventory = createValidator<InventoryDeclaration>(InventoryDeclarationSchema);

/** Checks an `inventory` section (a scenario's, the bootstrap file's); throws a ScenarioError naming the field at fault. */
export function checkInventoryDeclaration(value: unknown, source: string): InventoryDeclaration {
  const checked = validateInventory(value);
  if (!checked.ok) throw new ScenarioError(source, `inventory.${checked.detail}`);
  checked.value.instances.forEach((instance, i) => {
    if (instance.shard_change)
      checkShardChangeTemplate(instance.shard_change, `inventory.instances[${i}].shard_change`, source);
  });
  return checked.value;
}

/**
 * Reads a scenario from YAML or JSON text (JSON is YAML) and checks it whole: the schema, then
 * the timelines against the state machine and the limits. Throws a ScenarioError naming the
 * field at fault, e.g. `tasks[2].steps[0].over must be a duration like 30s, 10m or 2h`.
 */
export function parseScenario(text: string, source: string): Scenario {
  const nesting = nestingBound(text);
  if (nesting.depth > MAX_SCENARIO_NESTING)
    throw new ScenarioError(
      source,
      `The scenario nests too deeply at line ${nesting.line}: at most ${MAX_SCENARIO_NESTING} levels.`,
    );
  let parsed: unknown;
  try {
    // Merge keys (`<<: *defaults`) let a scenario share fields between tasks.
    parsed = yaml().parse(text, { merge: true });
  } catch (error) {
    const first = (error instanceof Error ? error.message : String(error)).split('\n')[0];
    throw new ScenarioError(source, `The scenario is not valid YAML or JSON: ${first}`);
  }
  const checked = checkScenarioDocument(parsed);
  if (!checked.ok) throw new ScenarioError(source, checked.detail);
  const document = checked.value;
  try {
    const declared = document.tasks ?? [];
    const tasks = declared.map((task, i) => checkTask(task, `tasks[${i}]`));
    const total = tasks.reduce((sum, task) => sum + task.count, 0);
    if (total > SCENARIO_LIMITS.tasks)
      fault(`tasks declare ${total} tasks, counting copies; at most ${SCENARIO_LIMITS.tasks}.`);
    const seen = new Map<string, string>();
    for (const task of tasks) {
      if (task.id === undefined) continue;
      const first = seen.get(task.id);
      if (first) fault(`${task.path}.id is also the id of ${first}.`);
      seen.set(task.id, task.path);
    }
    const instance = document.instance;
    return {
      source,
      project: document.project,
      tasks: instance
        ? tasks.map((task, i) => (declared[i]?.instance ? task : { ...task, instance }))
        : tasks,
      ...(document.inventory === undefined
        ? {}
        : { inventory: checkInventoryDeclaration(document.inventory, source) }),
      ...(document.faults === undefined ? {} : { faults: checkFaultList(document.faults) }),
    };
  } catch (error) {
    if (error instanceof Fault) throw new ScenarioError(source, error.message);
    throw error;
  }
}

/** A scenario's `faults:` list, each rule checked as `POST /internal/v1/faults` checks its body. */
function checkFaultList(value: unknown): FaultRuleBody[] {
  if (!Array.isArray(value) || value.length > FAULT_LIMITS.rules)
    fault(`faults must be a list of at most ${FAULT_LIMITS.rules} fault rules.`);
  return (value as unknown[]).map((item, i) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item))
      fault(`faults[${i}] must be a mapping of match, fire and effect.`);
    const checked = checkFaultRule(item);
    return checked.ok ? checked.value : fault(`faults[${i}].${checked.detail}`);
  });
}

/** Reads and checks a scenario file (YAML or JSON). */
export async function readScenarioFile(path: string): Promise<Scenario> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ScenarioError(
      path,
      `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}).`,
    );
  }
  return parseScenario(text, path);
}
