import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY, HOUR, internal, listAs, MINUTE, PARAMETER_ERROR, SECOND } from '../support/api.js';
import { PROJECT_A, PROJECT_B, startTestServer, type TestServer } from '../support/harness.js';

/**
 * The list's filters (docs/api.md, "Listing tasks"): status, name, instance, database and job_id
 * narrow the window to the tasks matching every one given, with their total, in the list's order
 * and paging. Each answer is checked against the same filter applied to the whole unfiltered list.
 */

interface Item {
  id: string;
  name: string;
  status: string;
  instance_id: string;
  instance_name: string;
  database_name: string;
}

const NAMES = ['CreateInstance', 'EnlargeNode', 'migrateLogicDb', 'RestartInstance'];
const STATUSES = ['Running', 'Completed', 'Failed'];
const INSTANCES = [
  { instance_id: 'a1b2c3d4e5in09', instance_name: 'ddm-Orders-01' },
  { instance_id: 'FFEE0011AABBin09', instance_name: 'ddm-sales' },
  { instance_id: 'c3c3c3c3c3in09', instance_name: 'Payments-ORDERS' },
];
const DATABASES = ['db_orders', 'Sales', 'audit'];

let server: TestServer;
let now: number;
/** Every task of project A's month, as the unfiltered list gives it, in its order. */
let everything: Item[];
/** Each task's creation time in epoch ms (the list shows whole seconds). */
const createdAt = new Map<string, number>();
const month = () => ({ start_time: now - 29 * DAY, end_time: now });

/** Task i of the month: fields cycling with different periods, times in a minute, an hour and days. */
function task(i: number, createdAt: number) {
  const status = STATUSES[(i * 7) % 3] as string;
  return {
    id: randomUUID(),
    project_id: PROJECT_A,
    name: NAMES[i % 4],
    status,
    ...(status === 'Failed' ? { fail_reason: 'disk full' } : {}),
    ...(status === 'Completed' ? { progress: 100 } : {}),
    ...INSTANCES[i % 3],
    database_name: DATABASES[(i >> 1) % 3],
    created_at: createdAt,
  };
}

async function record(items: { id: string; created_at: number }[]) {
  for (const item of items) createdAt.set(item.id, item.created_at);
  for (let i = 0; i < items.length; i += 1000) {
    const response = await internal(server, 'POST', '/internal/v1/jobs/batch', {
      create: items.slice(i, i + 1000),
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().created.every((c: { status: number }) => c.status === 201)).toBe(true);
  }
}

/** The list's answer as alice, checked to be a 200. */
async function list(query: Record<string, string | number>) {
  const response = await listAs(server, 'alice', PROJECT_A, query);
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as { jobs: Item[]; offset: number; limit: number; total: number };
}

/** Every page of a window, 128 at a time. */
async function all(query: Record<string, string | number>): Promise<Item[]> {
  const items: Item[] = [];
  for (let offset = 0; ; offset += 128) {
    const page = await list({ ...query, offset, limit: 128 });
    items.push(...page.jobs);
    if (offset + 128 >= page.total) return items;
  }
}

const lower = (text: string) => text.replace(/[A-Z]/g, (c) => c.toLowerCase());

type Filters = { status?: string; name?: string; instance?: string; database?: string; job_id?: string };

/** The documented matching rules, applied by hand. */
function matches(item: Item, filters: Filters): boolean {
  if (filters.status !== undefined && !filters.status.split(',').includes(item.status)) return false;
  if (filters.name !== undefined && !filters.name.split(',').includes(item.name)) return false;
  if (filters.job_id !== undefined && lower(filters.job_id) !== item.id) return false;
  if (
    filters.instance !== undefined &&
    lower(filters.instance) !== lower(item.instance_id) &&
    !lower(item.instance_name).includes(lower(filters.instance))
  )
    return false;
  if (filters.database !== undefined && !lower(item.database_name).includes(lower(filters.database)))
    return false;
  return true;
}

/** A filtered page against the whole list filtered by hand: same total, same tasks, same order. */
async function expectNarrowed(
  window: { start_time: number; end_time: number },
  filters: Filters,
  offset: number,
  limit: number,
) {
  const want = everything.filter((item) => {
    const created = createdAt.get(item.id) as number;
    return created >= window.start_time && created <= window.end_time && matches(item, filters);
  });
  const query: Record<string, string | number> = { ...window, offset, limit };
  for (const [key, value] of Object.entries(filters)) query[key] = encodeURIComponent(value);
  const page = await list(query);
  expect({ total: page.total, offset: page.offset, limit: page.limit }).toEqual({
    total: want.length,
    offset,
    limit,
  });
  expect(page.jobs).toEqual(want.slice(offset, offset + limit));
}

beforeAll(async () => {
  server = await startTestServer();
  now = server.clock.now();
  const minute = Math.floor((now - 2 * HOUR) / MINUTE) * MINUTE;
  const items = [];
  let i = 0;
  // 400 tasks in one minute (deep offsets inside one minute bucket), 300 in one hour, 300 over the month.
  for (let k = 0; k < 400; k++) items.push(task(i++, minute + ((k * 149) % MINUTE)));
  for (let k = 0; k < 300; k++) items.push(task(i++, now - 9 * HOUR + ((k * 7_919 * SECOND) % HOUR)));
  for (let k = 0; k < 300; k++) items.push(task(i++, now - 28 * DAY + ((k * 7_919 * MINUTE) % (27 * DAY))));
  await record(items);
  // Project B's tasks, which no answer of project A shows or counts.
  await record(Array.from({ length: 40 }, (_, k) => ({ ...task(k, now - k * HOUR), project_id: PROJECT_B })));
  everything = await all(month());
  expect(everything.length).toBe(1000);
}, 120_000);
afterAll(() => server.close());

describe('each filter narrows the window and counts what it keeps', () => {
  const cases: Filters[] = [
    { status: 'Running' },
    { status: 'Failed,Completed' },
    { status: 'Switching' },
    { name: 'EnlargeNode' },
    { name: 'migrateLogicDb,RestartInstance' },
    { name: 'NoSuchTask' },
    { instance: 'a1b2c3d4e5IN09' },
    { instance: 'ffee0011aabbIN09' },
    { instance: 'orders' },
    { instance: 'DDM-' },
    { database: 'ORDERS' },
    { database: 's' },
    { database: 'nothing' },
    { status: 'Running', name: 'EnlargeNode' },
    { status: 'Completed,Failed', name: 'CreateInstance,migrateLogicDb', instance: 'ddm', database: 'a' },
    { name: 'RestartInstance', database: 'sales' },
    // The most names a filter takes, read through every status of each.
    { name: [...NAMES, ...Array.from({ length: 16 }, (_, i) => `Other${i}`)].join(',') },
    { name: [...NAMES, ...Array.from({ length: 16 }, (_, i) => `Other${i}`)].join(','), instance: 'sales' },
  ];
  it.each(cases)('%j, from the first page to past the end', async (filters) => {
    for (const [offset, limit] of [
      [0, 10],
      [0, 128],
      [7, 3],
      [128, 128],
      [255, 2],
      [256, 5],
      [300, 40],
      [600, 128],
      [2000, 10],
    ] as const)
      await expectNarrowed(month(), filters, offset, limit);
  });

  it('gives the task of a job_id (in any case) when it lies in the window and passes the others', async () => {
    const one = everything[123] as Item;
    await expectNarrowed(month(), { job_id: one.id.toUpperCase() }, 0, 10);
    await expectNarrowed(month(), { job_id: one.id, status: one.status }, 0, 10);
    await expectNarrowed(
      month(),
      { job_id: one.id, status: one.status === 'Running' ? 'Failed' : 'Running' },
      0,
      10,
    );
    await expectNarrowed(month(), { job_id: one.id }, 1, 10);
    await expectNarrowed(month(), { job_id: randomUUID() }, 0, 10);
  });
});

describe('paging through a filtered list', () => {
  it('gives exactly the filtered order, page after page, across minutes, hours and days', async () => {
    for (const filters of [
      { status: 'Running,Failed' },
      { name: 'EnlargeNode' },
      { instance: 'orders' },
    ] as Filters[]) {
      const query: Record<string, string | number> = { ...month(), ...filters };
      const paged = await all(query);
      expect(paged).toEqual(everything.filter((item) => matches(item, filters)));
    }
  });

  it('answers windows whose edges cut minutes, hours and the burst, at offsets past 256', async () => {
    const minute = Math.floor((now - 2 * HOUR) / MINUTE) * MINUTE;
    const windows = [
      { start_time: minute + 17_123, end_time: minute + 51_009 },
      { start_time: minute - 1, end_time: minute + MINUTE },
      { start_time: now - 9 * HOUR - 30 * MINUTE + 321, end_time: now - HOUR - 7 },
      { start_time: now - 20 * DAY + 12_345, end_time: now - 3 * DAY - 999 },
    ];
    for (const window of windows)
      for (const filters of [{ status: 'Running' }, { name: 'CreateInstance,EnlargeNode' }] as Filters[])
        for (const offset of [0, 90, 130, 257, 280]) await expectNarrowed(window, filters, offset, 20);
  });
});

describe('without a filter', () => {
  it('answers byte for byte what the list always did', async () => {
    const first = everything[0] as Item & Record<string, unknown>;
    const response = await listAs(server, 'alice', PROJECT_A, { ...month(), offset: 0, limit: 1 });
    // The body written out from the task's own fields, in the documented key order.
    const item = [
      `"id":"${first.id}"`,
      `"name":"${first.name}"`,
      `"status":"${first.status}"`,
      `"created_time":"${first.created_time}"`,
      `"end_time":"${first.end_time}"`,
      `"process":"${first.process}"`,
      `"instance_name":"${first.instance_name}"`,
      `"instance_id":"${first.instance_id}"`,
      `"operations":${JSON.stringify(first.operations)}`,
      `"database_name":"${first.database_name}"`,
      `"fail_reason":"${first.fail_reason}"`,
    ].join(',');
    expect(response.body).toBe(`{"jobs":[{${item}}],"offset":0,"limit":1,"total":1000}`);
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
  });
});

describe('the counts follow the tasks', () => {
  it('moves a task from one status filter to another when its status changes', async () => {
    const running = everything.find(
      (item) => item.status === 'Running' && item.name === 'EnlargeNode',
    ) as Item;
    const before = {
      running: (await list({ ...month(), status: 'Running' })).total,
      completed: (await list({ ...month(), status: 'Completed', name: 'EnlargeNode' })).total,
    };
    const update = await internal(server, 'POST', '/internal/v1/jobs/batch', {
      update: [{ id: running.id, status: 'Completed', progress: 100 }],
    });
    expect(update.json().updated[0].status).toBe(200);
    expect((await list({ ...month(), status: 'Running' })).total).toBe(before.running - 1);
    const completed = await list({ ...month(), status: 'Completed', name: 'EnlargeNode', limit: 128 });
    expect(completed.total).toBe(before.completed + 1);
    expect(completed.jobs.map((job) => job.id)).toContain(running.id);
    everything = await all(month());
    await expectNarrowed(month(), { status: 'Completed' }, 0, 128);
    await expectNarrowed(month(), { status: 'Running', name: 'EnlargeNode' }, 30, 128);
  });
});

describe('a broken filter', () => {
  const statusRule =
    'status must be one or more of Running, Completed, Failed, Expanding, Canceling, Rollbacking, RollbackSuccess, CancelSuccess, ToBeSwitched, Switching, separated by commas.';
  const nameRule =
    'name must be one or more task names (at most 20) of 1 to 64 characters, without control characters, separated by commas.';
  const instanceRule =
    'instance must be 1 to 128 characters without control characters: an instance id, or a part of an instance name.';
  const databaseRule =
    'database must be 1 to 128 characters without control characters: a part of a database name.';
  const jobIdRule = 'job_id must be 1 to 64 characters without control characters: a task id.';
  const cases: [string, string][] = [
    ['status=', statusRule],
    ['status=running', statusRule],
    ['status=Running,', statusRule],
    ['status=Running&status=Failed', statusRule],
    ['status=Running%2C%2CFailed', statusRule],
    ['status=Running%20', statusRule],
    ['name=', nameRule],
    ['name=EnlargeNode,', nameRule],
    [`name=${'x'.repeat(65)}`, nameRule],
    [`name=${Array.from({ length: 21 }, (_, i) => `n${i}`).join(',')}`, nameRule],
    ['name=Enlarge%01Node', nameRule],
    ['name=a&name=b', nameRule],
    ['instance=', instanceRule],
    [`instance=${'i'.repeat(129)}`, instanceRule],
    ['instance=a&instance=b', instanceRule],
    ['instance=%00', instanceRule],
    ['database=', databaseRule],
    [`database=${'d'.repeat(129)}`, databaseRule],
    ['job_id=', jobIdRule],
    [`job_id=${'j'.repeat(65)}`, jobIdRule],
    ['job_id=a%0A', jobIdRule],
  ];
  it.each(cases)('%s is a 400 DBS.280001 naming the parameter and its rule', async (filter, rule) => {
    const response = await listAs(
      server,
      'alice',
      PROJECT_A,
      `start_time=${now - DAY}&end_time=${now}&${filter}`,
    );
    expect(response.statusCode).toBe(400);
    expect(response.body).toBe(PARAMETER_ERROR(rule));
  });

  it('takes the longest values the rules allow, and a repeated item once', async () => {
    await expectNarrowed(month(), { instance: 'i'.repeat(128), database: 'd'.repeat(128) }, 0, 10);
    await expectNarrowed(month(), { name: 'x'.repeat(64) }, 0, 10);
    const page = await list({ ...month(), status: 'Failed,Failed', limit: 1 });
    expect(page.total).toBe((await list({ ...month(), status: 'Failed', limit: 1 })).total);
  });

  it('is checked after the window: a broken window is named first', async () => {
    const response = await listAs(
      server,
      'alice',
      PROJECT_A,
      `start_time=${now - DAY}&end_time=x&status=nope`,
    );
    expect(response.body).toBe(
      PARAMETER_ERROR(
        'end_time must be an integer number of epoch milliseconds, not earlier than start_time.',
      ),
    );
  });
});

describe('the OpenAPI document', () => {
  it('names the five filters on ListTasks, each marked as an extension, with its rule', async () => {
    const document = (await server.app.inject({ url: '/openapi.json' })).json();
    const operation = document.paths['/v3/{project_id}/jobs'].get;
    expect(operation.operationId).toBe('ListTasks');
    const filters = (
      operation.parameters as { name: string; in: string; required: boolean; description: string }[]
    )
      .filter((parameter) => (parameter as Record<string, unknown>)['x-ddm-jobs-extension'] === true)
      .map((parameter) => [parameter.name, parameter.in, parameter.required]);
    expect(filters).toEqual([
      ['status', 'query', false],
      ['name', 'query', false],
      ['instance', 'query', false],
      ['database', 'query', false],
      ['job_id', 'query', false],
    ]);
  });
});
