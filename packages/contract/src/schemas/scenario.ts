import { DAILY_TIME_PATTERN } from '../daily-time.js';
import type { ParseResult } from '../list-query.js';
import { type Static, type TSchema, Type } from '../typebox.js';
import { createValidator, withRule } from '../validate.js';
import { Identifier, Name, Text } from './fields.js';
import { UUID_PATTERN } from './internal.js';
import { JobStatusSchema } from './jobs.js';

/**
 * The scenario file of the simulator (`serve --scenario FILE`, `POST /internal/v1/scenarios`):
 * tasks and their timelines. See docs/scenarios.md. Durations are `30s`, `10m`, `2h`, `1d`,
 * combinations such as `1h30m`, or milliseconds as a number.
 */

export const SCENARIO_LIMITS = { tasks: 10_000, steps: 50, durationMs: 366 * 86_400_000 } as const;

/** The most reads a step may wait for (`reads: N`). */
export const MAX_STEP_READS = 1_000_000;

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION = /^(\d{1,9}(ms|s|m|h|d))+$/;
const DURATION_PART = /(\d+)(ms|s|m|h|d)/g;

/** Milliseconds of a duration (`90s`, `1h30m`, `-5m`, or a number of ms); undefined when malformed. */
export function parseDuration(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : undefined;
  const negative = value.startsWith('-');
  const body = negative ? value.slice(1) : value;
  if (body === '0') return 0;
  if (!DURATION.test(body)) return undefined;
  let ms = 0;
  for (const [, amount, unit] of body.matchAll(DURATION_PART))
    ms += Number(amount) * (UNITS[unit ?? ''] ?? 0);
  return negative ? -ms : ms;
}

const DURATION_RULE = 'must be a duration like 30s, 10m or 2h (or milliseconds as a number)';
const Duration = (rule = DURATION_RULE) =>
  withRule(
    Type.Union([Type.String({ pattern: '^(0|(\\d{1,9}(ms|s|m|h|d))+)$' }), Type.Integer({ minimum: 0 })]),
    rule,
  );
const Reason = Text(1024);

/** One step of a task's timeline: a status, the percent it reaches, how long it lasts. */
export const ScenarioStepSchema = Type.Object(
  {
    status: withRule(JobStatusSchema, 'must be one of the documented task statuses'),
    progress: Type.Optional(
      withRule(Type.Integer({ minimum: 0, maximum: 100 }), 'must be an integer from 0 to 100'),
    ),
    over: Type.Optional(Duration()),
    // Transitions counted in reads (docs/scenarios.md, "Steps that end with reads").
    reads: Type.Optional(
      withRule(
        Type.Integer({ minimum: 1, maximum: MAX_STEP_READS }),
        `must be an integer from 1 to ${MAX_STEP_READS}: the tenants' reads of the task that end the step`,
      ),
    ),
    window: Type.Optional(
      Type.Object(
        {
          begin: withRule(
            Type.String({ pattern: DAILY_TIME_PATTERN }),
            "must be a daily time HH:mm:ss, like '17:00:00'",
          ),
          end: withRule(
            Type.String({ pattern: DAILY_TIME_PATTERN }),
            "must be a daily time HH:mm:ss, like '18:00:00'",
          ),
        },
        { additionalProperties: false },
      ),
    ),
    reason: Type.Optional(Reason),
    // Checked with the producers' run-log rules (parseLogLines), so that both say the same.
    logs: Type.Optional(
      Type.Unknown({
        description: 'Run-log lines [{level, message}] appended when the task reaches the step',
      }),
    ),
  },
  { additionalProperties: false },
);
export type ScenarioStep = Static<typeof ScenarioStepSchema>;

/** What the simulator does after a tenant's cancel, rollback or route switch. */
export const ScenarioReactionSchema = Type.Object(
  {
    after: Type.Optional(Duration()),
    fail: Type.Optional(Reason),
  },
  { additionalProperties: false },
);
export type ScenarioReaction = Static<typeof ScenarioReactionSchema>;

const Steps = <T extends TSchema>(item: T) =>
  withRule(
    Type.Array(item, { minItems: 1, maxItems: SCENARIO_LIMITS.steps }),
    `must be a list of 1 to ${SCENARIO_LIMITS.steps} steps`,
  );

const InstanceSchema = Type.Object(
  {
    id: Identifier(),
    name: Name(128),
  },
  { additionalProperties: false },
);
const ProjectRef = withRule(
  Type.String({ pattern: '^[^\\u0000-\\u001f]{1,64}$' }),
  'must be a project id, or a project name in the default domain',
);

/** A task's fields but its step lists, which are checked one step at a time to name the step. */
const taskFields = <T extends TSchema>(step: T) => ({
  name: withRule(
    Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_.-]{0,63}$' }),
    'must be 1 to 64 letters, digits, ".", "_" or "-", starting with a letter',
  ),
  id: Type.Optional(withRule(Type.String({ pattern: UUID_PATTERN }), 'must be a UUID')),
  project: Type.Optional(ProjectRef),
  instance: Type.Optional(InstanceSchema),
  database: Type.Optional(Text(128)),
  start: Type.Optional(
    withRule(
      Type.Union([Type.String({ pattern: '^(0|-(\\d{1,9}(ms|s|m|h|d))+)$' }), Type.Integer({ maximum: 0 })]),
      'must be 0 or a negative duration like -5m or -2d: when the task was created, relative to when the scenario is applied',
    ),
  ),
  count: Type.Optional(
    withRule(
      Type.Integer({ minimum: 1, maximum: SCENARIO_LIMITS.tasks }),
      `must be an integer from 1 to ${SCENARIO_LIMITS.tasks}`,
    ),
  ),
  every: Type.Optional(Duration()),
  steps: Steps(step),
  on_cancel: Type.Optional(ScenarioReactionSchema),
  on_rollback: Type.Optional(ScenarioReactionSchema),
  on_switch: Type.Optional(ScenarioReactionSchema),
  on_retry: Type.Optional(Type.Object({ steps: Steps(step) }, { additionalProperties: false })),
});

export const ScenarioTaskSchema = Type.Object(taskFields(ScenarioStepSchema), {
  additionalProperties: false,
});
export type ScenarioTask = Static<typeof ScenarioTaskSchema>;

const scenarioFields = <T extends TSchema>(task: T) => ({
  project: Type.Optional(ProjectRef),
  instance: Type.Optional(InstanceSchema),
  tasks: Type.Optional(
    withRule(
      Type.Array(task, { maxItems: SCENARIO_LIMITS.tasks }),
      `must be a list of at most ${SCENARIO_LIMITS.tasks} tasks`,
    ),
  ),
  // Checked on its own (InventoryDeclarationSchema), which builds on this file's step schema.
  inventory: Type.Optional(
    Type.Unknown({
      description: 'Instances, schemas and data nodes for shard changes (docs/scenarios.md, "Inventory")',
    }),
  ),
  // Checked rule by rule (checkFaultRuleBody, and the server's table of operations and errors).
  faults: Type.Optional(
    Type.Unknown({
      description: 'Emulator only: fault rules held from the start and after each reset (docs/scenarios.md)',
    }),
  ),
});

/** The whole scenario document, for the OpenAPI document. */
export const ScenarioSchema = Type.Object(scenarioFields(ScenarioTaskSchema), {
  additionalProperties: false,
});
export type ScenarioDocument = Static<typeof ScenarioSchema>;

export const ScenarioResponseSchema = Type.Object(
  {
    jobs: Type.Array(Type.String(), {
      description: 'Ids of the tasks recorded (none for those that existed)',
    }),
  },
  { additionalProperties: false },
);
export type ScenarioResponse = Static<typeof ScenarioResponseSchema>;

// The same shapes one level at a time: a nested list is checked item by item, so that a
// message names the item (`tasks[2].steps[0].over must be ...`) and its rule.
const checkTop = createValidator<ScenarioDocument>(
  Type.Object(scenarioFields(Type.Unknown()), { additionalProperties: false }),
);
const checkTask = createValidator<ScenarioTask>(
  Type.Object(taskFields(Type.Unknown()), { additionalProperties: false }),
);
const checkStep = createValidator<ScenarioStep>(ScenarioStepSchema);

class ScenarioShapeError extends Error {}

const isMapping = (value: unknown) => typeof value === 'object' && value !== null && !Array.isArray(value);

type Check<T> = (value: unknown) => ParseResult<T>;
function at<T>(check: Check<T>, value: unknown, path: string, what: string): T {
  if (!isMapping(value)) throw new ScenarioShapeError(`${path} must be a mapping of ${what}.`);
  const checked = check(value);
  if (!checked.ok) throw new ScenarioShapeError(`${path}.${checked.detail}`);
  return checked.value;
}

function checkSteps(steps: unknown[], path: string): void {
  steps.forEach((step, i) => {
    at(checkStep, step, `${path}[${i}]`, 'step fields (status, progress, over, window, reason)');
  });
}

/**
 * Checks a parsed scenario document against the schema: the document typed, or one clause
 * naming the first field at fault with its rule (`tasks[2].steps[0].over must be a duration ...`).
 */
export function checkScenarioDocument(value: unknown): ParseResult<ScenarioDocument> {
  try {
    if (!isMapping(value)) throw new ScenarioShapeError('The scenario must be a mapping with a tasks list.');
    const top = checkTop(value);
    if (!top.ok) throw new ScenarioShapeError(top.detail);
    // A scenario declares tasks, an inventory, faults, or several; none is a mistake.
    if (top.value.tasks === undefined && top.value.inventory === undefined && top.value.faults === undefined)
      throw new ScenarioShapeError('tasks is required.');
    (top.value.tasks ?? []).forEach((task, i) => {
      const path = `tasks[${i}]`;
      const checked = at(checkTask, task, path, 'task fields');
      checkSteps(checked.steps, `${path}.steps`);
      if (checked.on_retry) checkSteps(checked.on_retry.steps, `${path}.on_retry.steps`);
    });
    return { ok: true, value: top.value };
  } catch (error) {
    if (error instanceof ScenarioShapeError) return { ok: false, detail: error.message };
    throw error;
  }
}
