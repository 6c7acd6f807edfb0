import { buildApp } from '@ddm-jobs/server';
import { afterEach, expect, it, vi } from 'vitest';
import { MINUTE } from '../support/api.js';
import { startTestServer, type TestServer } from '../support/harness.js';
import { apply, stored } from './support.js';

const SCENARIO = `
project: project-a
tasks:
  - name: EnlargeNode
    id: 4a5b6c7d-8e9f-4a0b-8c1d-2e3f4a5b6c7d
    steps:
      - { status: Running, progress: 100, over: 1m }
      - { status: Expanding, progress: 100, over: 1m }
      - { status: Completed }
`;
const ID = '4a5b6c7d-8e9f-4a0b-8c1d-2e3f4a5b6c7d';

let server: TestServer;
afterEach(() => server.close());

it('ticks asked for at once run one after the other: each move is reported once', async () => {
  server = await startTestServer();
  await apply(server, SCENARIO);
  server.clock.advance(90_000);
  const first = server.app.simulator.tick();
  server.clock.advance(MINUTE);
  await Promise.all([first, ...Array.from({ length: 5 }, () => server.app.simulator.tick())]);
  const events = (await server.store.eventsAfter(0, 100)).filter((event) => event.job?.id === ID);
  expect(events.map((event) => [event.job?.status, event.job?.progress])).toEqual([
    ['Running', 0],
    ['Expanding', 0],
    ['Expanding', 50],
    ['Completed', 100],
  ]);
});

it('an app given an interval advances simulated tasks on its own, and stops when closed', async () => {
  server = await startTestServer();
  await apply(server, SCENARIO);
  server.clock.advance(10 * MINUTE);
  // A second app on the same store, ticking every 10 ms of wall time (the domain time stands still).
  const app = await buildApp({ store: server.store, clock: server.clock, simulatorIntervalMs: 10 });
  await vi.waitFor(async () => expect((await stored(server, ID)).status).toBe('Completed'), {
    timeout: 5000,
  });
  await app.close();
});
