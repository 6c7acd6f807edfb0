import { afterEach, describe, expect, it } from 'vitest';
import { internal, PARAMETER_ERROR } from '../support/api.js';
import { feedWaiters } from '../support/feed.js';
import { PROJECT_A, PROJECT_B, startTestServer, type TestServer } from '../support/harness.js';
import { connectSse, type SseConnection } from '../support/sse-client.js';

/**
 * The tenant stream's event ids tell nothing of other projects: they are not the feed's cursors
 * (which count every project's changes), yet `Last-Event-ID` resumes exactly after the event, on
 * this project only, also after a restart.
 */

const OPAQUE_ID = /^[A-Za-z0-9_-]{23}$/;
const BAD_LAST_EVENT_ID = PARAMETER_ERROR(
  "Last-Event-ID must be the id of an event of this project's stream.",
);

describe("the tenant stream's event ids", () => {
  let server: TestServer;
  let base: string;
  const start = async (dataDir?: string) => {
    server = await startTestServer({
      feed: { pollMs: 20, keepAliveMs: 20 },
      ...(dataDir ? { dataDir } : {}),
    });
    base = await server.app.listen({ port: 0, host: '127.0.0.1' });
  };
  afterEach(() => server.close());

  const streamAs = async (user: string, projectId: string, lastEventId?: string) =>
    connectSse(base, `/v3/${projectId}/jobs/stream`, {
      'x-auth-token': await server.tokenFor(user),
      ...(lastEventId === undefined ? {} : { 'last-event-id': lastEventId }),
    });
  /** Project B's tasks, recorded as its producer would: changes project A's tenant must not count. */
  const busyElsewhere = async (count: number) => {
    for (let i = 0; i < count; i++) {
      const response = await internal(server, 'POST', '/internal/v1/jobs', {
        project_id: PROJECT_B,
        name: 'CreateInstance',
        instance_id: 'inst0002',
        instance_name: 'other',
      });
      expect(response.statusCode).toBe(201);
    }
  };
  /** Every feed cursor, from the internal feed (what a tenant must not learn). */
  const feedCursors = async () =>
    (
      (await internal(server, 'GET', '/internal/v1/events?limit=1000')).json().events as { cursor: string }[]
    ).map((e) => e.cursor);
  const jobIdOf = (stream: SseConnection, i: number) => JSON.parse(stream.events()[i]?.data ?? '').job.id;

  it("are opaque and of one length, whatever other projects write between a tenant's events", async () => {
    await start();
    const stream = await streamAs('alice', PROJECT_A);
    await feedWaiters(server, 1);
    const first = await server.record({ name: 'CreateInstance' });
    const second = await server.record({ name: 'CreateInstance' });
    await busyElsewhere(40);
    const third = await server.record({ name: 'CreateInstance' });
    await stream.until((s) => s.events().length === 3);
    expect([0, 1, 2].map((i) => jobIdOf(stream, i))).toEqual([first.id, second.id, third.id]);

    const ids = stream.events().map((e) => e.id ?? '');
    expect(new Set(ids).size).toBe(3);
    const cursors = await feedCursors();
    for (const id of ids) {
      expect(id).toMatch(OPAQUE_ID);
      expect(id).not.toMatch(/^\d+$/);
      // No feed cursor shows through in the id's bytes, as a 64- or 32-bit integer.
      const bytes = Buffer.from(id, 'base64url');
      for (const cursor of cursors) {
        const wide = Buffer.alloc(8);
        wide.writeBigUInt64BE(BigInt(cursor));
        expect(bytes.includes(wide)).toBe(false);
        expect(bytes.includes(wide.subarray(4))).toBe(false);
      }
    }
    stream.close();
  });

  it('resume exactly after the event with Last-Event-ID, also after a restart', async () => {
    await start();
    const stream = await streamAs('alice', PROJECT_A);
    await feedWaiters(server, 1);
    const first = await server.record({ name: 'CreateInstance' });
    await stream.until((s) => s.events().length === 1);
    const lastId = stream.events()[0]?.id ?? '';
    stream.close();
    await feedWaiters(server, 0);
    await busyElsewhere(5);
    const second = await server.record({ name: 'CreateInstance' });
    await busyElsewhere(5);

    const resumed = await streamAs('alice', PROJECT_A, lastId);
    await resumed.until((s) => s.events().length === 1);
    expect(jobIdOf(resumed, 0)).toBe(second.id);
    resumed.close();
    expect(first.id).not.toBe(second.id);

    // A restarted server (the same data) opens the ids it sent before.
    const { dataDir } = server;
    await server.close(true);
    await start(dataDir);
    const third = await server.record({ name: 'CreateInstance' });
    const afterRestart = await streamAs('alice', PROJECT_A, lastId);
    await afterRestart.until((s) => s.events().length === 2);
    expect([jobIdOf(afterRestart, 0), jobIdOf(afterRestart, 1)]).toEqual([second.id, third.id]);
    afterRestart.close();
  });

  it("refuses another project's id, a tampered one and a bare cursor with 400, changing nothing", async () => {
    await start();
    const bobs = await streamAs('bob', PROJECT_B);
    await feedWaiters(server, 1);
    await busyElsewhere(1);
    await bobs.until((s) => s.events().length === 1);
    const bobsId = bobs.events()[0]?.id ?? '';
    bobs.close();

    const alices = await streamAs('alice', PROJECT_A);
    await feedWaiters(server, 1);
    await server.record({ name: 'CreateInstance' });
    await alices.until((s) => s.events().length === 1);
    const alicesId = alices.events()[0]?.id ?? '';
    alices.close();
    await feedWaiters(server, 0);

    const flip = (id: string, at: number) =>
      `${id.slice(0, at)}${id[at] === 'A' ? 'B' : 'A'}${id.slice(at + 1)}`;
    const cursor = (await feedCursors()).at(-1) ?? '1';
    for (const bad of [bobsId, flip(alicesId, 5), flip(alicesId, 22), `${alicesId}A`, cursor, 'not an id']) {
      const answer = await streamAs('alice', PROJECT_A, bad);
      expect(answer.status).toBe(400);
      expect(answer.text()).toBe(BAD_LAST_EVENT_ID);
    }
    // Nothing was opened: no stream waits.
    await feedWaiters(server, 0);
    // Bob's own id still resumes on his project.
    await busyElsewhere(1);
    const bobAgain = await streamAs('bob', PROJECT_B, bobsId);
    await bobAgain.until((s) => s.events().length === 1);
    bobAgain.close();
  });
});
