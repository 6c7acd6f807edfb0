import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CREDENTIAL_KEY_FILE } from '@ddm-jobs/server';
import { afterEach, describe, expect, it } from 'vitest';
import { PASSWORD, PROJECT_A, removeTestData, startTestServer, type TestServer } from '../support/harness.js';

/**
 * The emulator's snapshots over the internal API, on the suite's database (both projects run it):
 * a state saved, the server thrown away, a fresh one restored from the document answers every
 * list page, show, history, run log and feed page as the saved one did.
 */
const servers: TestServer[] = [];
const folders: string[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
  for (const folder of folders.splice(0)) await removeTestData(folder);
});

const DAY = 86_400_000;

async function emulator(dataDir?: string): Promise<TestServer> {
  const server = await startTestServer({ emulator: true, ...(dataDir ? { dataDir } : {}) });
  servers.push(server);
  return server;
}

/** Every read a client makes of project A, answered as text, with the token of that server. */
async function reads(server: TestServer, jobIds: string[]): Promise<Record<string, string>> {
  const alice = await server.tokenFor('alice');
  const worker = await server.tokenFor('worker');
  const now = server.clock.now();
  const get = async (url: string, token: string) => {
    const response = await server.app.inject({ method: 'GET', url, headers: { 'x-auth-token': token } });
    return `${response.statusCode} ${response.body}`;
  };
  const answers: Record<string, string> = {};
  for (const offset of [0, 2, 4])
    answers[`list ${offset}`] = await get(
      `/v3/${PROJECT_A}/jobs?start_time=${now - DAY}&end_time=${now}&offset=${offset}&limit=2`,
      alice,
    );
  for (const id of jobIds) {
    answers[`show ${id}`] = await get(`/v3/${PROJECT_A}/jobs/${id}`, alice);
    answers[`history ${id}`] = await get(`/v3/${PROJECT_A}/jobs/${id}/history`, alice);
    answers[`logs ${id}`] = await get(
      `/v3/${PROJECT_A}/instance/inst0001/task/${id}/run-logs?offset=0&limit=10`,
      alice,
    );
  }
  for (const after of [0, 3])
    answers[`feed ${after}`] = await get(`/internal/v1/events?after=${after}&limit=4`, worker);
  return answers;
}

async function saveState(server: TestServer): Promise<{ text: string; jobIds: string[] }> {
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) {
    server.clock.set(server.clock.now() + 60_000);
    ids.push((await server.record({ name: 'EnlargeNode', database_name: `db${i}` })).id as string);
  }
  const worker = await server.tokenFor('worker');
  const headers = { 'x-auth-token': worker };
  server.clock.set(server.clock.now() + 60_000);
  const ids0 = ids[0] as string;
  expect(
    (
      await server.app.inject({
        method: 'PATCH',
        url: `/internal/v1/jobs/${ids0}`,
        headers,
        payload: { progress: 50 },
      })
    ).statusCode,
  ).toBe(200);
  const logged = await server.app.inject({
    method: 'POST',
    url: `/internal/v1/jobs/${ids0}/logs`,
    headers,
    payload: {
      logs: [
        { level: 'INFO', message: 'copying' },
        { level: 'WARNING', message: 'slow' },
      ],
    },
  });
  expect(logged.statusCode).toBe(201);
  server.clock.set(server.clock.now() + 60_000);
  await server.app.inject({
    method: 'PATCH',
    url: `/internal/v1/jobs/${ids[1]}`,
    headers,
    payload: { status: 'Completed' },
  });
  const snapshot = await server.app.inject({ method: 'GET', url: '/internal/v1/snapshot', headers });
  expect(snapshot.statusCode).toBe(200);
  expect(snapshot.headers['cache-control']).toBe('no-store');
  return { text: snapshot.body, jobIds: ids };
}

/** A fresh folder holding the saved server's credential key: the key the snapshot is sealed with. */
function folderWithKeyOf(server: TestServer): string {
  const folder = mkdtempSync(join(tmpdir(), 'ddm-jobs-snapshot-'));
  folders.push(folder);
  copyFileSync(join(server.dataDir, CREDENTIAL_KEY_FILE), join(folder, CREDENTIAL_KEY_FILE));
  return folder;
}

describe('snapshots over the internal API', () => {
  it('restores into a fresh emulator every list page, show, history, run log and feed page, and the clock', async () => {
    const saved = await emulator();
    const { text, jobIds } = await saveState(saved);
    const before = await reads(saved, jobIds);
    const savedAt = saved.clock.now();
    const folder = folderWithKeyOf(saved);
    await saved.close();
    servers.splice(servers.indexOf(saved), 1);

    const fresh = await emulator(folder);
    fresh.clock.set(savedAt + 5 * DAY);
    const restored = await fresh.app.inject({
      method: 'POST',
      url: '/internal/v1/snapshot',
      headers: { 'x-auth-token': await fresh.tokenFor('worker') },
      payload: JSON.parse(text),
    });
    expect(restored.statusCode, restored.body).toBe(200);
    expect(restored.json().restored.rows.jobs).toBe(5);
    expect(fresh.clock.now()).toBe(savedAt);
    expect(await reads(fresh, jobIds)).toEqual(before);

    // New feed entries continue after the restored cursors, never reusing one a client holds.
    const feed = JSON.parse((before['feed 0'] as string).slice(4)) as { events: { cursor: string }[] };
    expect(feed.events.length).toBe(4);
    const lastBefore = Math.max(...feed.events.map((e) => Number(e.cursor)));
    await fresh.record({ name: 'EnlargeNode' });
    const after = await fresh.app.inject({
      method: 'GET',
      url: `/internal/v1/events?after=${lastBefore}&limit=100`,
      headers: { 'x-auth-token': await fresh.tokenFor('worker') },
    });
    expect(Number(after.json().events.at(-1).cursor)).toBeGreaterThan(lastBefore);
  });

  it('holds no clear secret: password hashes and sealed keys only', async () => {
    const server = await emulator();
    const { text } = await saveState(server);
    expect(text).not.toContain(PASSWORD);
    const document = JSON.parse(text);
    expect(document).toMatchObject({ format: 'ddm-jobs-snapshot', version: 1 });
    for (const sealed of Object.values(document.sealed_secrets as Record<string, string>))
      expect(sealed).toMatch(/^[A-Za-z0-9+/]+=*$/);
    const users = document.tables.users;
    const hash = users.columns.indexOf('password_hash');
    for (const row of users.rows) expect(row[hash]).toMatch(/^\$?scrypt/);
  });

  it('refuses an older, a newer or a foreign document with a clear message, changing nothing', async () => {
    const server = await emulator();
    const { text, jobIds } = await saveState(server);
    const before = await reads(server, jobIds);
    const headers = { 'x-auth-token': await server.tokenFor('worker') };
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ ...JSON.parse(text), version: 0 }, /version 0 is not read by this release, which reads version 1/],
      [{ ...JSON.parse(text), version: 2 }, /saved by a newer release/],
      [{ format: 'something-else' }, /not a ddm-jobs snapshot/],
      [
        { ...JSON.parse(text), tables: { ...JSON.parse(text).tables, jobs: undefined } },
        /lacks the table "jobs"/,
      ],
    ];
    for (const [payload, message] of cases) {
      const answer = await server.app.inject({
        method: 'POST',
        url: '/internal/v1/snapshot',
        headers,
        payload,
      });
      expect(answer.statusCode).toBe(400);
      expect(answer.json().error_code).toBe('DBS.280001');
      expect(answer.json().error_msg).toMatch(message);
    }
    expect(await reads(server, jobIds)).toEqual(before);
  });

  it('refuses a snapshot sealed with another credential key', async () => {
    const saved = await emulator();
    const { text } = await saveState(saved);
    const other = await emulator();
    const answer = await other.app.inject({
      method: 'POST',
      url: '/internal/v1/snapshot',
      headers: { 'x-auth-token': await other.tokenFor('worker') },
      payload: JSON.parse(text),
    });
    expect(answer.statusCode).toBe(400);
    expect(answer.json().error_msg).toMatch(/sealed with another credential key/);
  });

  it("is the emulator's alone: a server without --emulator answers 404 APIGW.0101", async () => {
    const server = await startTestServer();
    servers.push(server);
    const answer = await server.app.inject({
      method: 'GET',
      url: '/internal/v1/snapshot',
      headers: { 'x-auth-token': await server.tokenFor('worker') },
    });
    expect(answer.statusCode).toBe(404);
    expect(answer.json().error_code).toBe('APIGW.0101');
  });
});
