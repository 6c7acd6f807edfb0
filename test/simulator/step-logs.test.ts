import { afterEach, describe, expect, it } from 'vitest';
import { internal, MINUTE, PARAMETER_ERROR } from '../support/api.js';
import { PROJECT_A, startTestServer, type TestServer } from '../support/harness.js';
import { act, apply, at, INSTANCE, listed } from './support.js';

/**
 * A scenario step's `logs`: run-log lines appended when the simulated task reaches the step,
 * timed then, on the virtual clock; checked with the producers' rules.
 */

const TASK = '6a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
const SCENARIO = `
project: project-a
tasks:
  - name: migrateLogicDb
    id: ${TASK}
    instance: { id: ${INSTANCE}, name: ddm-demo }
    database: db_orders
    start: -3m
    steps:
      - { status: Running, progress: 50, over: 2m, logs: [{ level: INFO, message: pre-check passed }] }
      - { status: Running, progress: 100, over: 10m, logs: [{ level: WARNING, message: shard 3 is slow }] }
      - status: Failed
        reason: shard 3 unreachable
        logs:
          - { level: ERROR, message: shard 3 unreachable }
          - { level: INFO, message: nothing was switched }
`;

let server: TestServer;
afterEach(() => server?.close());

/** The task's run log as alice reads it: [level, message, created_time], newest first, and the total. */
async function runLog(id: string) {
  const response = await server.app.inject({
    url: `/v3/${PROJECT_A}/instance/${INSTANCE}/task/${id}/run-logs?limit=128`,
    headers: { 'x-auth-token': await server.tokenFor('alice') },
  });
  expect(response.statusCode, response.body).toBe(200);
  const { task_logs, total } = response.json() as {
    task_logs: { level: string; message: string; created_time: number }[];
    total: number;
  };
  return { lines: task_logs.map((line) => [line.level, line.message, line.created_time]), total };
}

describe('run-log lines of scenario steps', () => {
  it('are written for the steps reached when applied, then as the clock reaches each step, each once', async () => {
    server = await startTestServer();
    const t0 = server.clock.now();
    expect(await apply(server, SCENARIO)).toEqual([TASK]);
    // Created 3 minutes ago, in its second step since 1 minute ago: both steps' lines, timed then.
    expect(await runLog(TASK)).toEqual({
      lines: [
        ['WARNING', 'shard 3 is slow', t0 - MINUTE],
        ['INFO', 'pre-check passed', t0 - 3 * MINUTE],
      ],
      total: 2,
    });

    await at(server, t0, 5 * MINUTE);
    expect((await runLog(TASK)).total).toBe(2);

    await at(server, t0, 9 * MINUTE);
    expect(await listed(server, TASK)).toMatchObject({ status: 'Failed' });
    expect(await runLog(TASK)).toEqual({
      lines: [
        ['INFO', 'nothing was switched', t0 + 9 * MINUTE],
        ['ERROR', 'shard 3 unreachable', t0 + 9 * MINUTE],
        ['WARNING', 'shard 3 is slow', t0 - MINUTE],
        ['INFO', 'pre-check passed', t0 - 3 * MINUTE],
      ],
      total: 4,
    });
    // Later ticks and applying the scenario again write nothing twice.
    await at(server, t0, 30 * MINUTE);
    expect(await apply(server, SCENARIO)).toEqual([]);
    expect((await runLog(TASK)).total).toBe(4);

    // One log event a step, as a producer's request is one, with the lines in the order written.
    const logEvents = (await server.store.eventsAfter(0, 10_000)).filter((event) => event.type === 'log');
    expect(logEvents.map((event) => event.logs?.map((line) => line.message))).toEqual([
      ['pre-check passed'],
      ['shard 3 is slow'],
      ['shard 3 unreachable', 'nothing was switched'],
    ]);
  });

  it("give a retry task its first on_retry step's lines at its creation, then its later steps'", async () => {
    server = await startTestServer();
    const t0 = server.clock.now();
    const failing = SCENARIO.replace(
      '          - { level: INFO, message: nothing was switched }\n',
      `          - { level: INFO, message: nothing was switched }
    on_retry:
      steps:
        - { status: Running, progress: 100, over: 2m, logs: [{ level: INFO, message: retrying }] }
        - { status: ToBeSwitched, logs: [{ level: INFO, message: "copied, waiting for the switch" }] }
`,
    );
    expect(failing).toContain('on_retry');
    await apply(server, failing);
    await at(server, t0, 10 * MINUTE);
    const response = await act(server, TASK, 'retry');
    expect(response.statusCode).toBe(202);
    const retryId = response.json().job_id as string;
    await at(server, t0, 11 * MINUTE);
    expect((await runLog(retryId)).lines).toEqual([['INFO', 'retrying', t0 + 10 * MINUTE]]);
    await at(server, t0, 13 * MINUTE);
    expect((await runLog(retryId)).lines).toEqual([
      ['INFO', 'copied, waiting for the switch', t0 + 12 * MINUTE],
      ['INFO', 'retrying', t0 + 10 * MINUTE],
    ]);
    // The failed task's own log is its own.
    expect((await runLog(TASK)).total).toBe(4);
  });

  it.each([
    [
      [{ level: 'DEBUG', message: 'x' }],
      'tasks[0].steps[0].logs[0].level must be one of INFO, WARNING, ERROR.',
    ],
    [
      [{ level: 'INFO', message: 'a\u001b[31mred' }],
      'tasks[0].steps[0].logs[0].message must be a string of 1 to 1024 characters without control characters.',
    ],
    [[], 'tasks[0].steps[0].logs must be an array of 1 to 1000 lines.'],
    [[{ level: 'INFO', message: 'x', at: 5 }], 'tasks[0].steps[0].logs[0].at is not a known field.'],
  ])(
    'refuse %j as the producers’ route would, 400 naming the step, recording nothing',
    async (logs, detail) => {
      server = await startTestServer();
      const scenario = {
        project: PROJECT_A,
        tasks: [
          {
            name: 'BindEIP',
            id: TASK,
            steps: [{ status: 'Running', over: '1m', logs }, { status: 'Completed' }],
          },
        ],
      };
      const response = await internal(server, 'POST', '/internal/v1/scenarios', scenario);
      expect(response.statusCode).toBe(400);
      expect(response.body).toBe(PARAMETER_ERROR(detail));
      expect(await server.store.getJob(TASK)).toBeUndefined();
    },
  );
});
