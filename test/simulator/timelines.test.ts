import { afterEach, describe, expect, it } from 'vitest';
import { DAY, ddmTime, HOUR, MINUTE, SECOND } from '../support/api.js';
import { startTestServer, type TestServer } from '../support/harness.js';
import { apply, at, listed, simulatedIds, statusHistory, stored } from './support.js';

const HEALTHY = `
project: project-a
tasks:
  - name: migrateLogicDb
    id: 5e1f0c2a-7b3d-4e8f-9a6b-0c1d2e3f4a5b
    instance: { id: 733c7e8d73a54c27b8308ec784a8be8cin09, name: ddm-demo }
    database: db_orders
    steps:
      - { status: Running, progress: 100, over: 10m }
      - { status: ToBeSwitched, window: { begin: '12:12:00', end: '14:00:00' } }
      - { status: Switching, progress: 100, over: 30s }
      - { status: Completed }
`;
const MIGRATION = '5e1f0c2a-7b3d-4e8f-9a6b-0c1d2e3f4a5b';

let server: TestServer;
afterEach(() => server?.close());

describe('a healthy migration', () => {
  it('runs, waits for its window, switches and completes at the instants its timeline gives', async () => {
    server = await startTestServer();
    const t0 = server.clock.now();
    expect(await apply(server, HEALTHY)).toEqual([MIGRATION]);
    expect(await listed(server, MIGRATION)).toMatchObject({ status: 'Running', process: '0%' });

    await at(server, t0, 5 * MINUTE);
    expect(await listed(server, MIGRATION)).toMatchObject({
      status: 'Running',
      process: '50%',
      operations: ['toBeCanceled'],
    });

    await at(server, t0, 10 * MINUTE);
    expect(await listed(server, MIGRATION)).toMatchObject({
      status: 'ToBeSwitched',
      process: '',
      operations: ['modifySwitchingStrategy', 'toBeCanceled'],
      end_time: ddmTime(t0),
    });
    // The daily window the scenario declared is the task's (t0 is 12:00 UTC): it opens today.
    expect(await stored(server, MIGRATION)).toMatchObject({
      switchBegin: 12 * 3600 + 12 * 60,
      switchEnd: 14 * 3600,
    });

    await at(server, t0, 12 * MINUTE);
    expect(await listed(server, MIGRATION)).toMatchObject({ status: 'Switching', process: '0%' });
    await at(server, t0, 12 * MINUTE + 15 * SECOND);
    expect(await listed(server, MIGRATION)).toMatchObject({ status: 'Switching', process: '50%' });

    await at(server, t0, 12 * MINUTE + 30 * SECOND);
    expect(await listed(server, MIGRATION)).toMatchObject({
      status: 'Completed',
      process: '',
      operations: [],
      end_time: ddmTime(t0 + 12 * MINUTE + 30 * SECOND),
    });
    expect((await stored(server, MIGRATION)).endedAt).toBe(t0 + 12 * MINUTE + 30 * SECOND);
    expect(await statusHistory(server, MIGRATION)).toEqual([
      'Running',
      'ToBeSwitched',
      'Switching',
      'Completed',
    ]);
    // Nothing more can happen to it: the simulator forgets it.
    expect(await simulatedIds(server)).toEqual([]);
  });

  it('reaches the same final state and end time in one jump of 2 hours, reporting every step in order', async () => {
    server = await startTestServer();
    const t0 = server.clock.now();
    await apply(server, HEALTHY);
    await at(server, t0, 2 * HOUR);
    const job = await stored(server, MIGRATION);
    expect(job).toMatchObject({ status: 'Completed', endedAt: t0 + 12 * MINUTE + 30 * SECOND });
    expect(await listed(server, MIGRATION)).toMatchObject({
      status: 'Completed',
      end_time: ddmTime(t0 + 12 * MINUTE + 30 * SECOND),
    });
    const events = (await server.store.eventsAfter(0, 100)).filter((event) => event.job?.id === MIGRATION);
    expect(events.map((event) => [event.type, event.job?.status])).toEqual([
      ['created', 'Running'],
      ['changed', 'ToBeSwitched'],
      ['changed', 'Switching'],
      ['changed', 'Completed'],
    ]);
  });

  it('is recorded already completed when its start lies far enough in the past', async () => {
    server = await startTestServer();
    const t0 = server.clock.now();
    // Created yesterday at 12:00: its window opened yesterday at 12:12.
    await apply(server, HEALTHY.replace('database: db_orders', 'database: db_orders\n    start: -1d'));
    expect(await stored(server, MIGRATION)).toMatchObject({
      status: 'Completed',
      createdAt: t0 - DAY,
      endedAt: t0 - DAY + 12 * MINUTE + 30 * SECOND,
    });
    expect(await simulatedIds(server)).toEqual([]);
  });

  it('is recorded mid-way, and goes on from there, when it started 5 minutes ago', async () => {
    server = await startTestServer();
    const t0 = server.clock.now();
    await apply(server, HEALTHY.replace('database: db_orders', 'database: db_orders\n    start: -5m'));
    expect(await listed(server, MIGRATION)).toMatchObject({ status: 'Running', process: '50%' });
    // ToBeSwitched at 12:05, then its daily window opens at 12:12, as for any task.
    await at(server, t0, 5 * MINUTE);
    expect(await listed(server, MIGRATION)).toMatchObject({ status: 'ToBeSwitched' });
    await at(server, t0, 12 * MINUTE + 30 * SECOND);
    expect((await stored(server, MIGRATION)).endedAt).toBe(t0 + 12 * MINUTE + 30 * SECOND);
  });
});

describe('a failing CreateInstance', () => {
  const FAILING = `
project: project-a
tasks:
  - name: CreateInstance
    id: 0b7c6d5e-4f3a-4b2c-8d1e-9f0a1b2c3d4e
    instance: { id: 9a8b7c6d5e4f40312a1b2c3d4e5f6a7bin09, name: ddm-new }
    steps:
      - { status: Running, progress: 40, over: 3m }
      - { status: Failed, reason: "Insufficient ECS quota." }
`;
  const ID = '0b7c6d5e-4f3a-4b2c-8d1e-9f0a1b2c3d4e';

  it('fails at 40% after 3 minutes with its reason', async () => {
    server = await startTestServer();
    const t0 = server.clock.now();
    await apply(server, FAILING);
    await at(server, t0, 90 * SECOND);
    expect(await listed(server, ID)).toMatchObject({ status: 'Running', process: '20%', fail_reason: '' });
    await at(server, t0, 3 * MINUTE);
    expect(await listed(server, ID)).toMatchObject({
      name: 'CreateInstance',
      status: 'Failed',
      process: '',
      operations: [],
      end_time: ddmTime(t0 + 3 * MINUTE),
      fail_reason: 'Insufficient ECS quota.',
    });
    expect((await stored(server, ID)).progress).toBe(40);
    expect(await simulatedIds(server)).toEqual([]);
  });

  it('ends at the 3-minute instant after a jump of a day', async () => {
    server = await startTestServer();
    const t0 = server.clock.now();
    await apply(server, FAILING);
    await at(server, t0, DAY);
    expect(await listed(server, ID)).toMatchObject({
      status: 'Failed',
      end_time: ddmTime(t0 + 3 * MINUTE),
      fail_reason: 'Insufficient ECS quota.',
    });
  });
});

describe('a stuck task', () => {
  it('stays Running at 99% for ever: 30 days later, nothing more was reported', async () => {
    server = await startTestServer();
    const t0 = server.clock.now();
    const [id] = await apply(
      server,
      `
project: project-a
tasks:
  - name: EnlargeNode
    steps:
      - { status: Running, progress: 99, over: 5m }
`,
    );
    await at(server, t0, 2 * MINUTE + 30 * SECOND);
    expect(await listed(server, id as string)).toMatchObject({ status: 'Running', process: '49%' });
    await at(server, t0, 29 * DAY);
    expect(await listed(server, id as string)).toMatchObject({
      status: 'Running',
      process: '99%',
      end_time: ddmTime(t0),
    });
    const version = (await stored(server, id as string)).version;
    await at(server, t0, 30 * DAY);
    expect(await stored(server, id as string)).toMatchObject({ status: 'Running', progress: 99, version });
  });

  it('a step without over keeps its percent for ever', async () => {
    server = await startTestServer();
    const t0 = server.clock.now();
    const [id] = await apply(
      server,
      'project: project-a\ntasks:\n  - { name: RestartNode, steps: [ { status: Running, progress: 60 } ] }\n',
    );
    await at(server, t0, 10 * DAY);
    expect(await stored(server, id as string)).toMatchObject({ status: 'Running', progress: 60, version: 1 });
  });
});

describe('node tasks', () => {
  it('an EnlargeNode passes through Expanding, each percent ramping in its own step', async () => {
    server = await startTestServer();
    const t0 = server.clock.now();
    const [id] = await apply(
      server,
      `
project: project-a
tasks:
  - name: EnlargeNode
    steps:
      - { status: Running, over: 1m }
      - { status: Expanding, progress: 80, over: 4m }
      - { status: Expanding, progress: 100, over: 1m }
      - { status: Completed }
`,
    );
    await at(server, t0, 3 * MINUTE);
    expect(await listed(server, id as string)).toMatchObject({ status: 'Expanding', process: '40%' });
    await at(server, t0, 5 * MINUTE + 30 * SECOND);
    expect(await listed(server, id as string)).toMatchObject({ status: 'Expanding', process: '90%' });
    await at(server, t0, HOUR);
    expect(await stored(server, id as string)).toMatchObject({
      status: 'Completed',
      endedAt: t0 + 6 * MINUTE,
    });
    expect(await statusHistory(server, id as string)).toEqual(['Running', 'Expanding', 'Completed']);
  });

  it('copies are created `every` apart from `start`, each on its own timeline', async () => {
    server = await startTestServer();
    const t0 = server.clock.now();
    const ids = await apply(
      server,
      `
project: project-a
tasks:
  - name: RestartInstance
    start: -10m
    count: 3
    every: 5m
    steps:
      - { status: Running, over: 4m }
      - { status: Completed }
`,
    );
    const jobs = await Promise.all(ids.map((id) => stored(server, id)));
    expect(jobs.map((job) => [job.createdAt - t0, job.status, job.progress])).toEqual([
      [-10 * MINUTE, 'Completed', 100],
      [-5 * MINUTE, 'Completed', 100],
      [0, 'Running', 0],
    ]);
    expect(jobs.map((job) => (job.endedAt === null ? null : job.endedAt - t0))).toEqual([
      -6 * MINUTE,
      -1 * MINUTE,
      null,
    ]);
  });
});

describe('a virtual clock set back', () => {
  it('undoes nothing: the timeline goes on once the clock passes the last change again', async () => {
    server = await startTestServer();
    const t0 = server.clock.now();
    await apply(server, HEALTHY);
    await at(server, t0, 5 * MINUTE);
    const version = (await stored(server, MIGRATION)).version;
    await at(server, t0, 2 * MINUTE);
    expect(await stored(server, MIGRATION)).toMatchObject({ status: 'Running', progress: 50, version });
    await at(server, t0, 8 * MINUTE);
    expect(await stored(server, MIGRATION)).toMatchObject({ status: 'Running', progress: 80 });
  });
});
