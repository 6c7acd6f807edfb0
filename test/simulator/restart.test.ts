import { rmSync } from 'node:fs';
import { afterEach, expect, it } from 'vitest';
import { ddmTime, MINUTE, SECOND } from '../support/api.js';
import { ManualClock, startTestServer, type TestServer } from '../support/harness.js';
import { act, apply, at, listed, stored } from './support.js';

const ID = '2f3e4d5c-6b7a-4c8d-9e0f-a1b2c3d4e5f6';
const SCENARIO = `
project: project-a
tasks:
  - name: migrateLogicDb
    id: ${ID}
    instance: { id: 733c7e8d73a54c27b8308ec784a8be8cin09, name: ddm-demo }
    database: db_orders
    steps:
      - { status: Running, progress: 100, over: 10m }
      - { status: ToBeSwitched, window: { begin: '12:12:00', end: '14:00:00' } }
      - { status: Switching, progress: 100, over: 30s }
      - { status: Completed }
    on_cancel: { after: 2m }
`;

let server: TestServer | undefined;
let dataDir: string | undefined;
afterEach(async () => {
  await server?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** Closes the server, keeping its data folder, and starts a new one on it with the clock at `now`. */
async function restart(now: number): Promise<TestServer> {
  const previous = server as TestServer;
  dataDir = previous.dataDir;
  await previous.close(true);
  server = undefined;
  server = await startTestServer({ dataDir, clock: new ManualClock(now) });
  return server;
}

it('a new server on the same data folder continues the timelines where they were', async () => {
  server = await startTestServer();
  const t0 = server.clock.now();
  await apply(server, SCENARIO);
  await at(server, t0, 5 * MINUTE);
  expect(await listed(server, ID)).toMatchObject({ status: 'Running', process: '50%' });

  const next = await restart(t0 + 12 * MINUTE + 15 * SECOND);
  await next.app.simulator.tick();
  expect(await listed(next, ID)).toMatchObject({ status: 'Switching', process: '50%' });
  await at(next, t0, 13 * MINUTE);
  expect(await listed(next, ID)).toMatchObject({
    status: 'Completed',
    end_time: ddmTime(t0 + 12 * MINUTE + 30 * SECOND),
  });
});

it("a tenant's cancel seen before a restart is finished after it, on time", async () => {
  server = await startTestServer();
  const t0 = server.clock.now();
  await apply(server, SCENARIO);
  await at(server, t0, 3 * MINUTE);
  expect((await act(server, ID, 'cancel')).statusCode).toBe(202);
  await at(server, t0, 4 * MINUTE);
  expect(await listed(server, ID)).toMatchObject({ status: 'Canceling', process: '50%' });

  const next = await restart(t0 + 30 * MINUTE);
  await next.app.simulator.tick();
  expect(await stored(next, ID)).toMatchObject({ status: 'CancelSuccess', endedAt: t0 + 5 * MINUTE });
});
