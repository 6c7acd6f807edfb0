import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { applyScenario, createProducer, createSimulator, readScenarioFile } from '@ddm-jobs/server';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { DAY, HOUR, listUrl, MINUTE } from '../support/api.js';
import { FIXTURE_IDENTITIES, startTestServer, type TestServer } from '../support/harness.js';

/** The examples in scenarios/, and the demo that the server package ships (serve records it). */
const FOLDER = join(import.meta.dirname, '../../scenarios');
const DEMO = join(import.meta.dirname, '../../packages/server/scenarios/demo.yaml');
const EXAMPLES = readdirSync(FOLDER).filter((file) => /\.(ya?ml|json)$/.test(file));
const FILES = [...EXAMPLES.map((file) => join(FOLDER, file)), DEMO].map((path) => [basename(path), path]);
/** `npm start` creates project `default`; the scenarios in the repo name it. */
const DEFAULT_PROJECT = '5c4b3a2918f7e6d5c4b3a2918f7e6d5c';

let server: TestServer;
afterEach(() => server?.close());

async function start() {
  server = await startTestServer({
    bootstrap: {
      ...FIXTURE_IDENTITIES,
      projects: [...(FIXTURE_IDENTITIES.projects ?? []), { name: 'default', id: DEFAULT_PROJECT }],
      users: [
        ...(FIXTURE_IDENTITIES.users ?? []),
        {
          name: 'carol',
          password: 'correct horse battery staple',
          roles: [{ project: 'default', roles: ['te_admin'] }],
        },
      ],
    },
  });
  const { store, clock } = server;
  return { store, producer: createProducer(store, clock), clock };
}

async function listDefault(query: Record<string, number> = {}) {
  const now = server.clock.now();
  const response = await server.app.inject({
    url: listUrl(DEFAULT_PROJECT, { start_time: now - 30 * DAY, end_time: now, limit: 128, ...query }),
    headers: { 'x-auth-token': await server.tokenFor('carol', DEFAULT_PROJECT) },
  });
  expect(response.statusCode).toBe(200);
  return response.json() as { total: number; jobs: { status: string; name: string }[] };
}

describe('the scenarios in scenarios/ and the demo', () => {
  it('are all there', () => {
    expect(EXAMPLES.sort()).toEqual(['busy-tenant.yaml', 'failing-migration.yaml', 'healthy-migration.yaml']);
  });

  it.each(FILES)(
    '%s parses, applies, plays out for a day without error, and applies again recording nothing',
    async (_name, file) => {
      const deps = await start();
      const scenario = await readScenarioFile(file);
      const declared = scenario.tasks.reduce((sum, task) => sum + task.count, 0);
      const { jobs } = await applyScenario(deps, scenario);
      expect(jobs).toHaveLength(declared);
      expect((await listDefault()).total).toBe(declared);
      // A simulator of its own, whose warnings and errors the test reads.
      const logged: string[] = [];
      const logger = pino({ level: 'warn' }, { write: (line: string) => logged.push(line) });
      const simulator = createSimulator({ ...deps, logger });
      for (const hours of [1, 6, 24]) {
        server.clock.set(server.clock.now() + hours * HOUR);
        await simulator.tick();
      }
      expect(logged).toEqual([]);
      expect((await applyScenario(deps, scenario)).jobs).toEqual([]);
    },
  );

  it('busy-tenant lists hundreds of tasks of various kinds and statuses', async () => {
    const deps = await start();
    await applyScenario(deps, await readScenarioFile(join(FOLDER, 'busy-tenant.yaml')));
    const first = await listDefault();
    expect(first.total).toBe(567);
    const all = [
      first,
      ...(await Promise.all([1, 2, 3, 4].map((page) => listDefault({ offset: page * 128 })))),
    ].flatMap((page) => page.jobs);
    expect(all).toHaveLength(567);
    const count = (what: (job: { status: string; name: string }) => boolean) => all.filter(what).length;
    expect(count((job) => job.status === 'Completed')).toBe(538);
    expect(count((job) => job.status === 'Failed')).toBe(20);
    expect(count((job) => job.status === 'ToBeSwitched')).toBe(3);
    expect(count((job) => job.status === 'Running')).toBe(6);
    expect(new Set(all.map((job) => job.name)).size).toBe(8);
  });

  it('demo.yaml holds the documented example and tasks that progress over the next minutes', async () => {
    const deps = await start();
    await applyScenario(deps, await readScenarioFile(DEMO));
    const { store } = server;
    const t0 = server.clock.now();
    expect(await store.getJob('57933931-9323-422d-8f3d-20a62eb00c4e')).toMatchObject({
      status: 'Completed',
      name: 'CreateInstance',
    });
    expect(await store.getJob('10501cd3-0c19-498b-9ba4-8935ed447542')).toMatchObject({
      status: 'Completed',
      databaseName: 'db_e487',
      endedAt: t0 - MINUTE - 28_000,
    });
    expect(await store.getJob('92370d30-3ddc-4e05-b8ab-51662d824318')).toMatchObject({
      status: 'ToBeSwitched',
      createdAt: t0,
    });
    const running = async () =>
      (await listDefault()).jobs.filter((job) => job.status !== 'Completed').map((job) => job.status);
    const before = await running();
    server.clock.set(t0 + 5 * MINUTE);
    await server.app.simulator.tick();
    expect(await running()).not.toEqual(before);
  });
});
