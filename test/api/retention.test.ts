import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY, listUrl } from '../support/api.js';
import { PROJECT_A, startTestServer, type TestServer } from '../support/harness.js';

/**
 * Tasks past the 30-day window and the grace (7 days) are purged, with their history; the feed's
 * entries after 2 days.
 */

describe('retention', () => {
  let server: TestServer;
  const ids: Record<string, string> = {};

  const internalGet = async (id: string) =>
    server.app.inject({
      url: `/internal/v1/jobs/${id}`,
      headers: { 'x-auth-token': await server.tokenFor('worker') },
    });
  const advance = async (ms: number) =>
    server.app.inject({
      method: 'POST',
      url: '/internal/v1/clock',
      headers: { 'x-auth-token': await server.tokenFor('worker') },
      payload: { advance_ms: ms },
    });

  beforeAll(async () => {
    server = await startTestServer();
    const now = server.clock.now();
    for (const [name, age] of [
      ['forty', 40 * DAY],
      ['thirtySix', 36 * DAY],
      ['one', DAY],
    ] as const) {
      ids[name] = (
        await server.record({ name: 'CreateInstance', status: 'Completed', created_at: now - age })
      ).id as string;
    }
  });
  afterAll(() => server.close());

  it('purges, after a clock move, only what is older than 37 days, telling the feed', async () => {
    const before = await server.store.lastEventCursor();
    expect((await advance(0)).statusCode).toBe(200);
    expect((await internalGet(ids.forty as string)).statusCode).toBe(404);
    expect((await internalGet(ids.thirtySix as string)).statusCode).toBe(200);
    expect((await internalGet(ids.one as string)).statusCode).toBe(200);
    const events = await server.store.eventsAfter(before, 100);
    expect(events.map((e) => [e.type, e.job?.id])).toEqual([['removed', ids.forty]]);
  });

  it('keeps the counts right: the window still lists what remains', async () => {
    const now = server.clock.now();
    const response = await server.app.inject({
      url: listUrl(PROJECT_A, { start_time: now - 30 * DAY, end_time: now }),
      headers: { 'x-auth-token': await server.tokenFor('alice') },
    });
    expect(response.json().total).toBe(1);
    expect(response.json().jobs[0].id).toBe(ids.one);
  });

  it('purges the next one once the clock has moved on two days', async () => {
    await advance(2 * DAY);
    expect((await internalGet(ids.thirtySix as string)).statusCode).toBe(404);
    expect((await internalGet(ids.one as string)).statusCode).toBe(200);
  });

  it('drops feed entries older than the feed retention (2 days), and audit records with the tasks', async () => {
    await advance(3 * DAY);
    // What was written at the start is now older than two days: gone from the feed, while the
    // task recorded a day before the start is still there.
    const left = await server.store.eventsAfter(0, 100);
    expect(left.every((e) => e.at >= server.clock.now() - 2 * DAY)).toBe(true);
    expect((await internalGet(ids.one as string)).statusCode).toBe(200);
    await advance(40 * DAY);
    expect((await internalGet(ids.one as string)).statusCode).toBe(404);
    // The removals just told are the only entries left.
    expect((await server.store.eventsAfter(0, 100)).map((e) => e.type)).toEqual(['removed']);
  });
});
