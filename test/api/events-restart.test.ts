import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PASSWORD, PROJECT_A } from '../support/harness.js';
import { passwordSignIn } from '../support/keystone-body.js';
import { startServer, stopServer } from '../support/processes.js';
import { connectSse } from '../support/sse-client.js';

/**
 * A feed consumer that keeps its last cursor sees every write exactly once across a restart of
 * the real server (a subprocess stopped with SIGTERM while a stream and a long-poll are open).
 */

interface FeedEvent {
  cursor: string;
  type: string;
  job: { id: string } | null;
}

describe('the change feed across a server restart', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ddm-jobs-feed-'));
  const children: ChildProcess[] = [];
  afterAll(async () => {
    await Promise.all(children.map(stopServer));
    rmSync(dataDir, { recursive: true, force: true });
  });

  const bootstrap = join(dataDir, 'bootstrap.json');
  writeFileSync(
    bootstrap,
    JSON.stringify({
      projects: [{ name: 'project-a', id: PROJECT_A }],
      users: [{ name: 'worker', password: PASSWORD, roles: [{ project: 'project-a', roles: ['service'] }] }],
    }),
  );
  const serve = () =>
    startServer(dataDir, {
      adminPassword: 'unused',
      args: ['--bootstrap', bootstrap],
      spawned: (child) => children.push(child),
    });

  it('resumes from the saved cursor and sees each write once, none missing', async () => {
    let server = await serve();
    const signIn = await fetch(`${server.url}/v3/auth/tokens?nocatalog`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(passwordSignIn({ name: 'worker', password: PASSWORD }, PROJECT_A)),
    });
    expect(signIn.status).toBe(201);
    const auth = { 'x-auth-token': String(signIn.headers.get('x-subject-token')) };
    const json = { ...auth, 'content-type': 'application/json' };

    /** Every write made, as the feed must tell it. */
    const writes: [string, string][] = [];
    const record = async (name: string) => {
      const response = await fetch(`${server.url}/internal/v1/jobs`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ project_id: PROJECT_A, name, instance_id: 'i1', instance_name: 'n1' }),
      });
      expect(response.status).toBe(201);
      const { id } = ((await response.json()) as { job: { id: string } }).job;
      writes.push(['created', id]);
      return id;
    };
    const progress = async (id: string, percent: number) => {
      const response = await fetch(`${server.url}/internal/v1/jobs/${id}`, {
        method: 'PATCH',
        headers: json,
        body: JSON.stringify({ progress: percent }),
      });
      expect(response.status).toBe(200);
      writes.push(['changed', id]);
    };
    const page = async (after: string, wait = 0) => {
      const response = await fetch(`${server.url}/internal/v1/events?after=${after}&limit=2&wait=${wait}`, {
        headers: auth,
      });
      expect(response.status).toBe(200);
      return (await response.json()) as { events: FeedEvent[]; next_cursor: string };
    };

    const first = await record('CreateInstance');
    await record('migrateLogicDb');
    await progress(first, 50);
    await record('RestartInstance');

    // A consumer pages part of the feed and keeps its cursor; a follower streams all of it.
    const consumed: FeedEvent[] = [];
    const firstPage = await page('0');
    consumed.push(...firstPage.events);
    const saved = firstPage.next_cursor;
    const stream = await connectSse(server.url, '/internal/v1/events', auth);
    await stream.until((s) => s.events().length === 4);
    const streamedBefore = stream.events();
    const pending = page(String(Number(streamedBefore.at(-1)?.id) + 1_000), 30);

    await stopServer(server.child);
    await stream.ended;
    expect(await pending).toMatchObject({ events: [] });

    server = await serve();
    const second = await record('EnlargeNode');
    await progress(second, 10);
    await progress(first, 90);

    for (let cursor = saved; ; ) {
      const { events, next_cursor } = await page(cursor);
      if (events.length === 0) break;
      consumed.push(...events);
      cursor = next_cursor;
    }
    expect(consumed.map((e) => [e.type, e.job?.id])).toEqual(writes);
    const cursors = consumed.map((e) => Number(e.cursor));
    expect(cursors).toEqual([...new Set(cursors)].sort((a, b) => a - b));

    const resumed = await connectSse(server.url, '/internal/v1/events', {
      ...auth,
      'last-event-id': String(streamedBefore.at(-1)?.id),
    });
    await resumed.until((s) => s.events().length === 3);
    const streamed = [...streamedBefore, ...resumed.events()];
    expect(streamed.map((f) => [f.event, JSON.parse(f.data ?? '').job.id])).toEqual(writes);
    expect(streamed.map((f) => f.id)).toEqual(consumed.map((e) => e.cursor));
    resumed.close();
  });
});
