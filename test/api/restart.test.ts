import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { DAY, HOUR, listUrl } from '../support/api.js';
import { ManualClock, PROJECT_A, startTestServer, type TestServer } from '../support/harness.js';

/** What a server recorded is there after it restarts on the same data folder. */

describe('a restarted server', () => {
  const clock = new ManualClock();
  let dataDir = '';
  let second: TestServer | undefined;
  afterAll(async () => {
    await second?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('lists every recorded task as before, accepts the tokens it issued, and records more', async () => {
    const first = await startTestServer({ clock });
    dataDir = first.dataDir;
    const now = clock.now();
    for (let i = 0; i < 12; i++) {
      await first.record({
        name: i % 2 ? 'migrateLogicDb' : 'CreateInstance',
        created_at: now - i * HOUR,
        database_name: `db_${i}`,
        progress: i * 5,
      });
    }
    await first.record({
      name: 'CreateInstance',
      status: 'Completed',
      created_at: now - DAY,
      ended_at: now - 1000,
    });
    const token = await first.tokenFor('alice');
    const url = listUrl(PROJECT_A, { start_time: now - 2 * DAY, end_time: now, limit: 128 });
    const before = await first.app.inject({ url, headers: { 'x-auth-token': token } });
    expect(before.json().total).toBe(13);
    await first.close(true);

    second = await startTestServer({ clock, dataDir });
    const after = await second.app.inject({ url, headers: { 'x-auth-token': token } });
    expect(after.statusCode).toBe(200);
    expect(after.body).toBe(before.body);

    await second.record({ name: 'RestartInstance', created_at: now });
    const more = await second.app.inject({ url, headers: { 'x-auth-token': token } });
    expect(more.json().total).toBe(14);
  });
});
