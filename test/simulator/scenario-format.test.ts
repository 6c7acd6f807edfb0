import { parseScenario, ScenarioError } from '@ddm-jobs/server';
import { describe, expect, it } from 'vitest';

/** The detail of the ScenarioError a text raises. */
function faultOf(text: string): string {
  try {
    parseScenario(text, 'x.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioError);
    expect((error as ScenarioError).message).toBe(`x.yaml: ${(error as ScenarioError).detail}`);
    return (error as ScenarioError).detail;
  }
  throw new Error('the scenario was accepted');
}

/** A scenario of one task with these fields (YAML flow mapping content) and steps. */
const task = (fields: string, steps: string) =>
  `project: p\ntasks:\n  - { ${fields}, steps: [ ${steps} ] }\n`;
const migration = (steps: string, more = '') => task(`name: migrateLogicDb, database: db${more}`, steps);

describe('the schema: each message names the field at fault and its rule', () => {
  it.each([
    [
      'tasks: [ { name: X, steps: [ { status: Running, over: 10x } ] } ]',
      'tasks[0].steps[0].over must be a duration like 30s, 10m or 2h (or milliseconds as a number).',
    ],
    [
      'tasks: [ { name: X, steps: [] }, { name: Y, steps: [ { status: Done } ] } ]',
      'tasks[0].steps must be a list of 1 to 50 steps.',
    ],
    [
      'tasks: [ { name: X, steps: [ { status: Running } ] }, { name: Y, steps: [ { status: Done } ] } ]',
      'tasks[1].steps[0].status must be one of the documented task statuses.',
    ],
    [
      'tasks: [ { name: X, steps: [ { status: Running, progress: 101 } ] } ]',
      'tasks[0].steps[0].progress must be an integer from 0 to 100.',
    ],
    [
      'tasks: [ { name: X, steps: [ { status: Running, speed: 2 } ] } ]',
      'tasks[0].steps[0].speed is not a known field.',
    ],
    [
      'tasks: [ { name: X, start: 5m, steps: [ { status: Running } ] } ]',
      'tasks[0].start must be 0 or a negative duration like -5m or -2d: when the task was created, relative to when the scenario is applied.',
    ],
    ['tasks: [ { name: X, id: 42, steps: [ { status: Running } ] } ]', 'tasks[0].id must be a UUID.'],
    [
      'tasks: [ { name: X, instance: { id: "a b", name: n }, steps: [ { status: Running } ] } ]',
      'tasks[0].instance.id must be 1 to 64 letters, digits, "_" or "-".',
    ],
    [
      'tasks: [ { name: X, on_retry: { steps: [ { status: Running, over: -1 } ] }, steps: [ { status: Running } ] } ]',
      'tasks[0].on_retry.steps[0].over must be a duration like 30s, 10m or 2h (or milliseconds as a number).',
    ],
    ['tasks: [ { steps: [ { status: Running } ] } ]', 'tasks[0].name is required.'],
    ['tasks: [ 7 ]', 'tasks[0] must be a mapping of task fields.'],
    [
      'tasks: [ { name: X, steps: [ Running ] } ]',
      'tasks[0].steps[0] must be a mapping of step fields (status, progress, over, window, reason).',
    ],
    [
      'tasks: [ { name: X, count: 0, steps: [ { status: Running } ] } ]',
      'tasks[0].count must be an integer from 1 to 10000.',
    ],
    ['tasks: [ { name: X, steps: [ { status: Running } ] } ]\nowner: me', 'owner is not a known field.'],
    ['project: p', 'tasks is required.'],
    ['- just a list', 'The scenario must be a mapping with a tasks list.'],
    ['', 'The scenario must be a mapping with a tasks list.'],
  ])('%s', (text, detail) => {
    expect(faultOf(text)).toBe(detail);
  });

  it('YAML that does not parse says so', () => {
    expect(faultOf('tasks: [ { name: X')).toMatch(/^The scenario is not valid YAML or JSON: /);
  });
});

describe('the timelines: the producer state machine and the semantics', () => {
  it.each([
    [
      'a migration-only status on another task',
      task('name: CreateInstance', '{ status: Running, over: 1m }, { status: ToBeSwitched }'),
      'tasks[0].steps[1].status ToBeSwitched is for migration tasks (migrateLogicDb, retryMigrateLogicDb) only.',
    ],
    [
      'Expanding on a task that does not expand',
      task('name: RestartNode', '{ status: Expanding }'),
      'tasks[0].steps[0].status Expanding is for EnlargeNode and ReduceNode tasks only.',
    ],
    [
      'a move the state machine does not draw',
      migration('{ status: Running, over: 1m }, { status: Completed }'),
      'tasks[0].steps[1].status: a migrateLogicDb task cannot move from Running to Completed.',
    ],
    [
      'a move into a tenant status',
      migration('{ status: Running, over: 1m }, { status: Canceling }'),
      'tasks[0].steps[1].status: a migrateLogicDb task cannot move from Running to Canceling.',
    ],
    [
      'anything after a finished status',
      task('name: BindEIP', '{ status: Running, over: 1m }, { status: Completed }, { status: Running }'),
      'tasks[0].steps[2].status: a BindEIP task cannot move from Completed to Running.',
    ],
    [
      'a step after one that lasts for ever',
      task('name: BindEIP', '{ status: Running, progress: 50 }, { status: Completed }'),
      'tasks[0].steps[1] can never begin: tasks[0].steps[0] has neither over nor reads, so it lasts for ever.',
    ],
    [
      'over on ToBeSwitched',
      migration('{ status: Running, over: 1m }, { status: ToBeSwitched, over: 5m }'),
      'tasks[0].steps[1].over is for steps in Running, Expanding, Switching, Canceling or Rollbacking; a ToBeSwitched step waits for its window or the tenant.',
    ],
    [
      'a Failed step without reason',
      task('name: BindEIP', '{ status: Running, over: 1m }, { status: Failed }'),
      'tasks[0].steps[1].reason is required for a Failed step.',
    ],
    [
      'a reason on another step',
      task('name: BindEIP', '{ status: Running, reason: slow }'),
      'tasks[0].steps[0].reason is for Failed steps only.',
    ],
    [
      'a window on another step',
      migration("{ status: Running, window: { begin: '01:00:00', end: '02:00:00' } }"),
      'tasks[0].steps[0].window is for ToBeSwitched steps only.',
    ],
    [
      'a window in durations after the creation (the earlier format)',
      migration('{ status: Running, over: 1m }, { status: ToBeSwitched, window: { begin: 12m, end: 2h } }'),
      "tasks[0].steps[1].window.begin must be a daily time HH:mm:ss, like '17:00:00'.",
    ],
    [
      'a window end past 23:59:59',
      migration(
        "{ status: Running, over: 1m }, { status: ToBeSwitched, window: { begin: '23:00:00', end: '24:00:00' } }",
      ),
      "tasks[0].steps[1].window.end must be a daily time HH:mm:ss, like '18:00:00'.",
    ],
    [
      'a migration without database',
      task('name: migrateLogicDb', '{ status: Running }'),
      'tasks[0].database is required for a migration task: tenants name it in the action paths.',
    ],
    [
      'reactions on a task tenants cannot act on',
      task('name: CreateInstance, on_cancel: { after: 1m }', '{ status: Running }'),
      'tasks[0].on_cancel is for migration tasks only: tenants act on no other task.',
    ],
    [
      'on_switch where steps already tell how the switch goes',
      migration(
        '{ status: Running, over: 1m }, { status: ToBeSwitched }, { status: Switching, over: 1m }, { status: Completed }',
        ', on_switch: { after: 1m }, on_retry: { steps: [ { status: Running, over: 1m }, { status: Failed, reason: r } ] }',
      ),
      'tasks[0].on_switch is for steps that end in ToBeSwitched (here or in on_retry); steps after ToBeSwitched tell how the switch goes.',
    ],
    [
      'a retry that does not start running',
      migration('{ status: Running }', ', on_retry: { steps: [ { status: ToBeSwitched } ] }'),
      'tasks[0].on_retry.steps[0].status must be Running: a retry starts running.',
    ],
    [
      'a window on a retry',
      migration(
        '{ status: Running }',
        ", on_retry: { steps: [ { status: Running, over: 1m }, { status: ToBeSwitched, window: { begin: '01:00:00', end: '02:00:00' } } ] }",
      ),
      "tasks[0].on_retry.steps[1].window cannot be given: a retry task has the failed task's window.",
    ],
    [
      'copies that would be created in the future',
      task('name: BindEIP, start: -1h, count: 7, every: 15m', '{ status: Running }'),
      'tasks[0].count: the last of 7 copies would be created 30m after the scenario is applied; start earlier, or lower count or every.',
    ],
    [
      'a duration past a year',
      task('name: BindEIP', '{ status: Running, over: 400d }'),
      'tasks[0].steps[0].over must be at most 366d.',
    ],
  ])('refuses %s', (_what, text, detail) => {
    expect(faultOf(text)).toBe(detail);
  });

  it('refuses two tasks with one id, naming both', () => {
    const id = '5e1f0c2a-7b3d-4e8f-9a6b-0c1d2e3f4a5b';
    const text = `tasks:\n  - { name: A, id: ${id}, steps: [ { status: Running } ] }\n  - { name: B, id: ${id.toUpperCase()}, steps: [ { status: Running } ] }\n`;
    expect(faultOf(text)).toBe('tasks[1].id is also the id of tasks[0].');
  });

  it('refuses more than 10,000 tasks, copies counted', () => {
    const text =
      'tasks:\n  - { name: A, start: -7d, count: 6000, every: 1m, steps: [ { status: Running } ] }\n  - { name: B, start: -7d, count: 4001, every: 1m, steps: [ { status: Running } ] }\n';
    expect(faultOf(text)).toBe('tasks declare 10001 tasks, counting copies; at most 10000.');
  });

  it('refuses more than 50 steps', () => {
    const steps = Array.from({ length: 51 }, () => '{ status: Running, over: 1s }').join(', ');
    expect(faultOf(task('name: BindEIP', steps))).toBe('tasks[0].steps must be a list of 1 to 50 steps.');
  });

  it('reads durations in every unit, combined, or as milliseconds, and JSON as well as YAML', () => {
    const yaml = parseScenario(
      task(
        'name: BindEIP, start: -1d2h',
        '{ status: Running, over: 1h30m }, { status: Running, over: 90000 }, { status: Running, over: 250ms }',
      ),
      'y',
    );
    const json = parseScenario(
      JSON.stringify({
        project: 'p',
        tasks: [
          {
            name: 'BindEIP',
            start: -93_600_000,
            steps: [
              { status: 'Running', over: 5_400_000 },
              { status: 'Running', over: '90s' },
              { status: 'Running', over: 250 },
            ],
          },
        ],
      }),
      'j',
    );
    for (const scenario of [yaml, json]) {
      expect(scenario.tasks[0]?.start).toBe(-26 * 3_600_000);
      expect(scenario.tasks[0]?.steps.map((step) => step.over)).toEqual([5_400_000, 90_000, 250]);
    }
  });

  it('resolves percents: a ramp to 100 by default, a same-status step going on from the last percent', () => {
    const scenario = parseScenario(
      migration(
        '{ status: Running, progress: 30, over: 1m }, { status: Running, over: 1m }, { status: ToBeSwitched }',
        ', on_switch: { after: 5s, fail: broken }',
      ),
      's',
    );
    expect(scenario.tasks[0]?.steps.map(({ status, from, to, over }) => [status, from, to, over])).toEqual([
      ['Running', 0, 30, 60_000],
      ['Running', 30, 100, 60_000],
      ['ToBeSwitched', 100, 100, null],
      // The timeline ends waiting for the switch: on_switch tells how it goes.
      ['Switching', 0, 100, 5000],
      ['Failed', 100, 100, null],
    ]);
  });
});

it('shares fields between tasks with YAML anchors and merge keys', () => {
  const scenario = parseScenario(
    `project: p
tasks:
  - &migration
    name: migrateLogicDb
    database: db_orders
    steps: [ { status: Running, over: 1m }, { status: ToBeSwitched } ]
  - <<: *migration
    database: db_users
`,
    'anchors',
  );
  expect(scenario.tasks.map((task) => [task.name, task.database, task.steps.length])).toEqual([
    ['migrateLogicDb', 'db_orders', 4],
    ['migrateLogicDb', 'db_users', 4],
  ]);
});
