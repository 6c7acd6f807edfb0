import { DdmClient } from '@ddm-jobs/client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSignedServer } from '../aksk/fixture.js';
import { ddmTime, MINUTE } from '../support/api.js';
import { PROJECT_A, PROJECT_B, type TestServer } from '../support/harness.js';
import { report } from './stream-support.js';
import {
  AUTH_KINDS,
  clientFor,
  closeListening,
  countingFetch,
  DATABASE,
  gatewayAnswer,
  INSTANCE,
  listen,
  type Relay,
  recordMigration,
  rejection,
  startRelay,
} from './support.js';

/**
 * `getJobHistory`: ddm-jobs' history extension read through the SDK, against a real server over
 * real HTTP, with each way of authenticating; its errors and its retries as a read's.
 */
let server: TestServer;
let url: string;
let relay: Relay | undefined;
beforeAll(async () => {
  server = await startSignedServer();
  url = await listen(server);
});
afterAll(() => closeListening(server));
afterEach(async () => {
  await relay?.close();
  relay = undefined;
});

/** The clock moved on a minute; the new now. */
const minuteLater = () => {
  server.clock.advance(MINUTE);
  return server.clock.now();
};

describe('getJobHistory', () => {
  it.each(AUTH_KINDS)(
    'with %s: each status once, oldest first, after producer reports and a cancel through the SDK',
    async (kind) => {
      const client = await clientFor(kind, url, server);
      const task = await recordMigration(server, { status: 'Running', progress: 10 });
      minuteLater();
      // Progress alone is no new entry.
      await report(server, task.id, { progress: 40 });
      const switchable = minuteLater();
      await report(server, task.id, { status: 'ToBeSwitched' });
      const canceled = minuteLater();
      await client.cancelMigration({ jobId: task.id, instanceId: INSTANCE, dbName: DATABASE });
      expect(await client.getJobHistory(task.id)).toEqual([
        { status: 'Running', time: ddmTime(task.created_at), process: '10%' },
        { status: 'ToBeSwitched', time: ddmTime(switchable), process: '' },
        { status: 'Canceling', time: ddmTime(canceled), process: '0%' },
      ]);
    },
  );

  it("rejects an unknown task, and another project's, with the server's 404 DBS.300400 and its request id", async () => {
    const counting = countingFetch();
    const client = await clientFor('token', url, server, { fetch: counting.fetch });
    const unknown = await rejection(client.getJobHistory('0b6f3c2e-0000-4000-8000-000000000000'));
    expect(unknown).toMatchObject({ name: 'DdmApiError', status: 404, errorCode: 'DBS.300400' });
    expect((unknown as { requestId: string }).requestId).toBe(counting.requestIds.at(-1));
    const foreign = await server.record({ project_id: PROJECT_B, name: 'CreateInstance' });
    expect(await rejection(client.getJobHistory(String(foreign.id)))).toMatchObject({
      status: 404,
      errorCode: 'DBS.300400',
    });
    // A 404 is not worth sending again.
    expect(counting.sent).toHaveLength(2);
  });

  it('is retried like getJob: after a 503 and a dropped connection, the history arrives', async () => {
    relay = await startRelay(url, (n) =>
      n === 0 ? gatewayAnswer(503, 'APIGW.0202', 'Backend unavailable') : n === 1 ? 'drop' : 'forward',
    );
    const client = await clientFor('token', relay.url, server);
    const task = await recordMigration(server, { status: 'Running', progress: 5 });
    expect(await client.getJobHistory(task.id)).toEqual([
      { status: 'Running', time: ddmTime(task.created_at), process: '5%' },
    ]);
    const path = `GET /v3/${PROJECT_A}/jobs/${task.id}/history`;
    expect(relay.seen).toEqual([`${path} -> 503`, `${path} -> dropped`, `${path} -> 200`]);
  });

  it('rejects an empty id with a TypeError, sending nothing', async () => {
    const counting = countingFetch();
    const client = new DdmClient({
      endpoint: url,
      projectId: PROJECT_A,
      auth: await server.tokenFor('alice'),
      fetch: counting.fetch,
    });
    await expect(client.getJobHistory('')).rejects.toThrow(new TypeError('jobId must be a non-empty string'));
    expect(counting.sent).toEqual([]);
  });
});
