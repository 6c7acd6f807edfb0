import { randomUUID } from 'node:crypto';
import { QUERY_RULES } from '@ddm-jobs/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY, GATEWAY, HOUR, internal, listAs, MINUTE, PARAMETER_ERROR } from '../support/api.js';
import { ManualClock, PROJECT_A, startTestServer, type TestServer } from '../support/harness.js';

/**
 * `GET /v3/{project_id}/job-statistics` (docs/api.md, "Tasks per day"): 420 tasks over three
 * weeks, in six statuses and four names, with tasks on the millisecond either side of local
 * midnights; every count is checked against the full list counted task by task, with each day
 * found by Intl on its own, and each day's window against the list.
 */

// Ten days after Europe/Berlin's and America/New_York's clocks went back (25 October, 1 November).
const NOW = Date.UTC(2026, 10, 10, 12, 0, 0);
const STATUSES = ['Running', 'Completed', 'Failed', 'ToBeSwitched', 'CancelSuccess', 'RollbackSuccess'];
const NAMES = ['migrateLogicDb', 'EnlargeNode', 'CreateInstance', 'RestartNode'];
const ZONES = ['UTC', 'Europe/Berlin', 'Asia/Kolkata', 'America/New_York'];
/** The window every count below covers: 22 days until now, starting off the hour. */
const START = NOW - 22 * DAY + 17 * MINUTE + 4321;

interface Day {
  date: string;
  start_time: number;
  end_time: number;
  total: number;
  statuses: Record<string, number>;
}

/** A small seeded generator (mulberry32), so the data set is the same on every run. */
function seeded(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The local date of an instant in a zone, by Intl alone (en-CA writes yyyy-mm-dd). */
const localDate = (ms: number, timeZone: string) =>
  new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    ms,
  );

let server: TestServer;
/** Each task's creation instant to the millisecond (the list shows seconds). */
const createdAt = new Map<string, number>();

const statistics = async (query: string, user = 'alice', projectId = PROJECT_A) =>
  server.app.inject({
    url: `/v3/${projectId}/job-statistics?${query}`,
    headers: { 'x-auth-token': await server.tokenFor(user) },
  });
const daysOf = async (query: string): Promise<Day[]> => {
  const response = await statistics(query);
  expect(response.statusCode, response.body).toBe(200);
  return response.json().days;
};

/** Every task of the window as the list shows it, page after page. */
async function listed(): Promise<{ id: string; status: string; name: string }[]> {
  const jobs: { id: string; status: string; name: string }[] = [];
  for (let offset = 0; ; offset += 128) {
    const page = (
      await listAs(
        server,
        'alice',
        PROJECT_A,
        `start_time=${START}&end_time=${NOW}&offset=${offset}&limit=128`,
      )
    ).json();
    jobs.push(...page.jobs);
    if (offset + 128 >= page.total) return jobs;
  }
}

/** The list counted task by task: per local date, per status. */
function bruteForce(
  jobs: { id: string; status: string }[],
  timeZone: string,
): Map<string, Record<string, number>> {
  const days = new Map<string, Record<string, number>>();
  for (const job of jobs) {
    const date = localDate(createdAt.get(job.id) as number, timeZone);
    const counts = days.get(date) ?? {};
    counts[job.status] = (counts[job.status] ?? 0) + 1;
    days.set(date, counts);
  }
  return days;
}

/** The answer's days as the brute force has them: non-empty days only, statuses sorted. */
const asCounts = (days: Day[]) =>
  new Map(days.filter((day) => day.total > 0).map((day) => [day.date, day.statuses]));
const sorted = (map: Map<string, Record<string, number>>) =>
  [...map.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([date, counts]) => [
      date,
      Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b))),
    ]);

beforeAll(async () => {
  server = await startTestServer({ clock: new ManualClock(NOW) });
  const random = seeded(19);
  const items: Record<string, unknown>[] = [];
  const add = (at: number, status: string, name: string) => {
    const id = randomUUID();
    createdAt.set(id, at);
    const finished = ['Completed', 'Failed', 'CancelSuccess', 'RollbackSuccess'].includes(status);
    items.push({
      id,
      project_id: PROJECT_A,
      name,
      status,
      instance_id: 'inst0001',
      instance_name: 'ddm-test',
      database_name: name === 'migrateLogicDb' ? 'db_orders' : '',
      created_at: at,
      ...(finished ? { ended_at: at } : {}),
    });
  };
  for (let i = 0; i < 380; i++) {
    const at = START + Math.floor(random() * (NOW - START));
    add(
      at,
      STATUSES[Math.floor(random() * STATUSES.length)] as string,
      NAMES[Math.floor(random() * 4)] as string,
    );
  }
  // On the millisecond either side of local midnights of each zone, and on the window's edges.
  for (const midnight of [
    Date.UTC(2026, 9, 25, 22), // Berlin, 26 October, after the clocks went back
    Date.UTC(2026, 9, 24, 22), // Berlin, 25 October (a day of 25 hours)
    Date.UTC(2026, 10, 1, 18, 30), // Kolkata, 2 November
    Date.UTC(2026, 10, 2, 5), // New York, 2 November, after its clocks went back
    Date.UTC(2026, 10, 5), // UTC, 5 November
  ]) {
    add(midnight - 1, 'Completed', 'EnlargeNode');
    add(midnight, 'Failed', 'EnlargeNode');
    add(midnight + 1, 'Running', 'RestartNode');
  }
  add(START, 'Completed', 'CreateInstance');
  add(START - 1, 'Completed', 'CreateInstance'); // outside the window
  add(NOW, 'Running', 'CreateInstance');
  for (let i = 0; i < items.length; i += 200) {
    const response = await internal(server, 'POST', '/internal/v1/jobs/batch', {
      create: items.slice(i, i + 200),
    });
    expect(response.statusCode).toBe(200);
  }
}, 60_000);
afterAll(() => server.close());

describe('GET /v3/{project_id}/job-statistics', () => {
  it.each(ZONES)('counts each day of %s per status as the full list does, task by task', async (zone) => {
    const days = await daysOf(`start_time=${START}&end_time=${NOW}&time_zone=${zone}`);
    expect(sorted(asCounts(days))).toEqual(sorted(bruteForce(await listed(), zone)));
    for (const day of days) {
      expect(day.total).toBe(Object.values(day.statuses).reduce((a, b) => a + b, 0));
      expect(Object.values(day.statuses).every((n) => n > 0)).toBe(true);
    }
  });

  it.each(ZONES)(
    'gives every day of %s the window touches, oldest first, midnight to midnight',
    async (zone) => {
      const response = await statistics(`start_time=${START}&end_time=${NOW}&time_zone=${zone}`);
      expect(response.json().time_zone).toBe(zone);
      const days: Day[] = response.json().days;
      expect(days[0]?.start_time).toBe(START);
      expect(days.at(-1)?.end_time).toBe(NOW);
      expect(days[0]?.date).toBe(localDate(START, zone));
      expect(days.at(-1)?.date).toBe(localDate(NOW, zone));
      days.forEach((day, i) => {
        expect(localDate(day.start_time, zone)).toBe(day.date);
        expect(localDate(day.end_time, zone)).toBe(day.date);
        const next = days[i + 1];
        if (next) {
          // The next day starts at the very next millisecond, on the next local date.
          expect(next.start_time).toBe(day.end_time + 1);
          expect(localDate(next.start_time, zone)).not.toBe(day.date);
        }
      });
      expect(new Set(days.map((day) => day.date)).size).toBe(days.length);
    },
  );

  it('has a day of 25 hours when the clocks go back, and days from 18:30 UTC in Asia/Kolkata (+05:30)', async () => {
    const berlin = await daysOf(`start_time=${START}&end_time=${NOW}&time_zone=Europe/Berlin`);
    const long = berlin.find((day) => day.date === '2026-10-25') as Day;
    expect([long.start_time, long.end_time]).toEqual([
      Date.UTC(2026, 9, 24, 22),
      Date.UTC(2026, 9, 25, 23) - 1,
    ]);
    expect(berlin.find((day) => day.date === '2026-10-26')?.start_time).toBe(Date.UTC(2026, 9, 25, 23));
    const kolkata = await daysOf(`start_time=${START}&end_time=${NOW}&time_zone=Asia/Kolkata`);
    const second = kolkata.find((day) => day.date === '2026-11-02') as Day;
    expect([second.start_time, second.end_time]).toEqual([
      Date.UTC(2026, 10, 1, 18, 30),
      Date.UTC(2026, 10, 2, 18, 30) - 1,
    ]);
    // The three tasks around that midnight: the one a millisecond before is the day before's.
    const around = await daysOf(
      `start_time=${Date.UTC(2026, 10, 1, 18, 30) - 1}&end_time=${Date.UTC(2026, 10, 1, 18, 30) + 1}&time_zone=Asia/Kolkata`,
    );
    expect(around.map((day) => [day.date, day.statuses])).toEqual([
      ['2026-11-01', { Completed: 1 }],
      ['2026-11-02', { Failed: 1, Running: 1 }],
    ]);
  });

  it.each(ZONES)(
    "opens exactly the day's tasks when a day of %s is used as the list's window",
    async (zone) => {
      const days = await daysOf(`start_time=${START}&end_time=${NOW}&time_zone=${zone}`);
      for (const day of days) {
        const page = await listAs(server, 'alice', PROJECT_A, {
          start_time: day.start_time,
          end_time: day.end_time,
          limit: 1,
        });
        expect([day.date, page.json().total]).toEqual([day.date, day.total]);
      }
    },
  );

  it('shows days without tasks with total 0 and no statuses', async () => {
    const empty = NOW - 25 * DAY;
    const days = await daysOf(`start_time=${empty}&end_time=${empty + 2 * DAY - 1}`);
    expect(days).toEqual([
      { date: '2026-10-16', start_time: empty, end_time: Date.UTC(2026, 9, 17) - 1, total: 0, statuses: {} },
      {
        date: '2026-10-17',
        start_time: Date.UTC(2026, 9, 17),
        end_time: Date.UTC(2026, 9, 18) - 1,
        total: 0,
        statuses: {},
      },
      {
        date: '2026-10-18',
        start_time: Date.UTC(2026, 9, 18),
        end_time: empty + 2 * DAY - 1,
        total: 0,
        statuses: {},
      },
    ]);
  });

  it('counts a task under its status now: a status change moves it', async () => {
    const query = `start_time=${NOW - HOUR}&end_time=${NOW}`;
    const id = randomUUID();
    await server.record({ id, name: 'RestartNode', created_at: NOW - 30 * MINUTE });
    createdAt.set(id, NOW - 30 * MINUTE);
    const before = (await daysOf(query))[0] as Day;
    const patched = await internal(server, 'PATCH', `/internal/v1/jobs/${id}`, { status: 'Failed' });
    expect(patched.statusCode).toBe(200);
    const after = (await daysOf(query))[0] as Day;
    expect(after.total).toBe(before.total);
    expect(after.statuses.Running ?? 0).toBe((before.statuses.Running ?? 0) - 1);
    expect(after.statuses.Failed ?? 0).toBe((before.statuses.Failed ?? 0) + 1);
  });

  it.each([
    ['status=Failed,Running', ['Failed', 'Running'], NAMES],
    ['name=EnlargeNode', STATUSES, ['EnlargeNode']],
    ['status=Completed&name=migrateLogicDb,RestartNode', ['Completed'], ['migrateLogicDb', 'RestartNode']],
  ])(
    'counts only the tasks matching %s, as the list counted task by task',
    async (filter, statuses, names) => {
      const zone = 'Europe/Berlin';
      const days = await daysOf(`start_time=${START}&end_time=${NOW}&time_zone=${zone}&${filter}`);
      const jobs = (await listed()).filter(
        (job) => statuses.includes(job.status) && names.includes(job.name),
      );
      expect(jobs.length).toBeGreaterThan(20);
      expect(sorted(asCounts(days))).toEqual(sorted(bruteForce(jobs, zone)));
    },
  );

  it('counts nothing for a name no task has', async () => {
    const days = await daysOf(`start_time=${START}&end_time=${NOW}&name=NoSuchTask`);
    expect(days.length).toBeGreaterThan(20);
    expect(days.every((day) => day.total === 0)).toBe(true);
  });

  it('answers 401 without a token and refuses another project as the list does', async () => {
    const query = `start_time=${START}&end_time=${NOW}`;
    const anonymous = await server.app.inject({ url: `/v3/${PROJECT_A}/job-statistics?${query}` });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json()).toMatchObject({
      error_code: GATEWAY.tokenMissing[0],
      error_msg: GATEWAY.tokenMissing[1],
    });
    const other = await statistics(query, 'bob');
    const otherList = await listAs(server, 'bob', PROJECT_A, { start_time: START, end_time: NOW });
    expect(other.statusCode).toBe(otherList.statusCode);
    expect(other.statusCode).toBe(403);
    expect(other.json().error_code).toBe(otherList.json().error_code);
  });

  const span = `end_time=${START + 31 * DAY}`;
  // The status and name rules are the list's own, pinned by the list's tests: here, the same words.
  it.each([
    ['', 'start_time is required.'],
    [`start_time=${START}`, 'end_time is required.'],
    [
      `start_time=${NOW - 31 * DAY}&end_time=${NOW}`,
      'start_time must be an integer number of epoch milliseconds, not earlier than 30 days ago.',
    ],
    [
      `start_time=${START}&end_time=${START - 1}`,
      'end_time must be an integer number of epoch milliseconds, not earlier than start_time.',
    ],
    [
      `start_time=${START}&end_time=1.5e12`,
      'end_time must be an integer number of epoch milliseconds, not earlier than start_time.',
    ],
    [
      `start_time=${START}&start_time=${START}&end_time=${NOW}`,
      'start_time must be an integer number of epoch milliseconds, not earlier than 30 days ago.',
    ],
    [
      `start_time=${START}&${span}`,
      'end_time must be at most 31 days after start_time: the days of one month at most are counted.',
    ],
    ...['Mars/Olympus', '', '%2B05:30', 'Europe/Berlin&time_zone=UTC', 'Europe%2FBerlin%00'].map((zone) => [
      `start_time=${START}&end_time=${NOW}&time_zone=${zone}`,
      'time_zone must be an IANA time zone name such as Europe/Berlin, Asia/Kolkata or UTC.',
    ]),
    [`start_time=${START}&end_time=${NOW}&status=Done`, QUERY_RULES.status],
    [`start_time=${START}&end_time=${NOW}&status=`, QUERY_RULES.status],
    [`start_time=${START}&end_time=${NOW}&name=EnlargeNode,`, QUERY_RULES.name],
    [`start_time=${START}&end_time=${NOW}&name=Enlarge%00Node`, QUERY_RULES.name],
    ...['instance=inst0001', 'database=db', 'job_id=abc'].map((filter) => [
      `start_time=${START}&end_time=${NOW}&${filter}`,
      'job-statistics counts by status and name only: instance, database and job_id are filters of the list.',
    ]),
  ])('refuses %j with 400 DBS.280001 naming the rule', async (query, detail) => {
    const response = await statistics(query);
    expect(response.statusCode).toBe(400);
    expect(response.body).toBe(PARAMETER_ERROR(detail));
  });

  it('takes a window of 31 days, touching 32 dates', async () => {
    const days = await daysOf(`start_time=${NOW - 30 * DAY}&end_time=${NOW + DAY - 1}`);
    expect(days.map((day) => day.date)).toEqual([
      ...Array.from({ length: 21 }, (_, i) => `2026-10-${String(11 + i)}`),
      ...Array.from({ length: 11 }, (_, i) => `2026-11-${String(1 + i).padStart(2, '0')}`),
    ]);
  });
});

describe('the OpenAPI document', () => {
  it('describes the route as our extension, with its parameters', async () => {
    const document = (await server.app.inject({ url: '/openapi.json' })).json();
    const route = document.paths['/v3/{project_id}/job-statistics'].get;
    expect(route.operationId).toBe('CountTasksPerDay');
    expect(route['x-ddm-jobs-extension']).toBe(true);
    expect(route.parameters.map((p: { name: string }) => p.name)).toEqual([
      'project_id',
      'start_time',
      'end_time',
      'time_zone',
      'status',
      'name',
    ]);
    expect(Object.keys(route.responses)).toEqual(expect.arrayContaining(['200', '400', '401', '403']));
  });
});

describe('a zone whose clocks skip midnight itself', () => {
  // America/Santiago went from 23:59:59 to 01:00 on 6 September 2026: that day began at the change.
  const CHANGE = Date.UTC(2026, 8, 6, 4);
  let santiago: TestServer;
  beforeAll(async () => {
    santiago = await startTestServer({ clock: new ManualClock(Date.UTC(2026, 8, 10, 12)) });
    for (const at of [CHANGE - 1, CHANGE, CHANGE + HOUR])
      await santiago.record({
        id: randomUUID(),
        name: 'EnlargeNode',
        status: 'Completed',
        ended_at: at,
        created_at: at,
      });
  });
  afterAll(() => santiago.close());

  it('starts that day at the change and makes it 23 hours long', async () => {
    const response = await santiago.app.inject({
      url: `/v3/${PROJECT_A}/job-statistics?start_time=${CHANGE - DAY}&end_time=${CHANGE + 2 * DAY}&time_zone=America/Santiago`,
      headers: { 'x-auth-token': await santiago.tokenFor('alice') },
    });
    const days: Day[] = response.json().days;
    const day = days.find((d) => d.date === '2026-09-06') as Day;
    expect([day.start_time, day.end_time - day.start_time + 1, day.total]).toEqual([CHANGE, 23 * HOUR, 2]);
    expect(days.find((d) => d.date === '2026-09-05')?.total).toBe(1);
  });
});
