import { buildApp } from '@ddm-jobs/server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ALICE_KEY, startSignedServer } from '../aksk/fixture.js';
import { DAY, ddmTime, GATEWAY, internal, MINUTE, PARAMETER_ERROR } from '../support/api.js';
import { feedWaiters } from '../support/feed.js';
import { PROJECT_A, PROJECT_B, type TestServer } from '../support/harness.js';
import { sdkSign } from '../support/sdk-signer.js';
import { connectSse, type SseConnection } from '../support/sse-client.js';

/** The tenant's stream, `GET /v3/{project_id}/jobs/stream`: its project's task changes as the list shows them. */

describe('GET /v3/{project_id}/jobs/stream', () => {
  let server: TestServer;
  let base: string;
  beforeEach(async () => {
    server = await startSignedServer({ feed: { pollMs: 20, keepAliveMs: 20 } });
    base = await server.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterEach(() => server.close());

  const streamAs = async (user: string, projectId = PROJECT_A, extra: Record<string, string> = {}) =>
    connectSse(base, `/v3/${projectId}/jobs/stream`, {
      'x-auth-token': await server.tokenFor(user),
      ...extra,
    });
  const patch = async (id: unknown, change: Record<string, unknown>) => {
    const response = await internal(server, 'PATCH', `/internal/v1/jobs/${id}`, change);
    expect(response.statusCode).toBe(200);
  };
  /** An event id as the tenant stream shows it: opaque base64url of one fixed length. */
  const OPAQUE_ID = /^[A-Za-z0-9_-]{23}$/;
  const withoutComments = (stream: SseConnection) =>
    stream
      .text()
      .split('\n\n')
      .filter((frame) => frame !== '' && !frame.startsWith(':'))
      .map((frame) => `${frame}\n\n`)
      .join('');

  /** The list's view of the migration task recorded by `migrationLife`, written out. */
  const item = (id: unknown, created: number, fields: Record<string, unknown>) => ({
    id,
    name: 'migrateLogicDb',
    status: 'Running',
    created_time: ddmTime(created),
    end_time: ddmTime(created),
    process: '0%',
    instance_name: 'ddm-test',
    instance_id: 'inst0001',
    operations: ['toBeCanceled'],
    database_name: 'db_1',
    fail_reason: '',
    ...fields,
  });

  /** A migration task of project A created, progressing, failing and removed, among project B's writes. */
  async function migrationLife() {
    const created = server.clock.now();
    await server.record({ project_id: PROJECT_B, name: 'CreateInstance' });
    const job = await server.record({ name: 'migrateLogicDb', database_name: 'db_1' });
    server.clock.advance(MINUTE);
    await patch(job.id, { progress: 60 });
    await server.record({ project_id: PROJECT_B, name: 'migrateLogicDb' });
    server.clock.advance(MINUTE);
    const failed = server.clock.now();
    await patch(job.id, { status: 'Failed', fail_reason: 'disk full' });
    const row = await server.store.getJob(String(job.id));
    expect(await server.store.removeJob(String(job.id), row?.version ?? 0, failed, 'u')).toBeDefined();
    const failedItem = item(job.id, created, {
      status: 'Failed',
      end_time: ddmTime(failed),
      process: '',
      operations: ['toBeCanceled', 'toBeRetried', 'toBeRolled'],
      fail_reason: 'disk full',
    });
    const frames: [string, object][] = [
      ['created', item(job.id, created, {})],
      ['changed', item(job.id, created, { process: '60%' })],
      ['changed', failedItem],
      ['removed', failedItem],
    ];
    return { job, frames };
  }

  const framesText = (ids: string[], frames: [string, object][]) =>
    frames
      .map(([type, job], i) => `id: ${ids[i]}\nevent: ${type}\ndata: ${JSON.stringify({ type, job })}\n\n`)
      .join('');

  it("follows what happens next to the project's tasks, as JobItems, and never another project's", async () => {
    const before = await server.record({ name: 'CreateInstance' });
    const stream = await streamAs('alice');
    expect(stream.status).toBe(200);
    expect(stream.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(stream.headers['cache-control']).toBe('no-cache');
    expect(stream.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/);
    await feedWaiters(server, 1);
    const { frames } = await migrationLife();
    await stream.until((s) => s.events().length === 4);
    const ids = stream.events().map((e) => e.id ?? '');
    for (const id of ids) expect(id).toMatch(OPAQUE_ID);
    expect(new Set(ids).size).toBe(4);
    expect(withoutComments(stream)).toBe(framesText(ids, frames));
    expect(stream.text()).not.toContain(String(before.id));
    stream.close();
  });

  it('resumes after Last-Event-ID with what happened meanwhile, each event once', async () => {
    const first = await streamAs('alice');
    await feedWaiters(server, 1);
    const job = await server.record({ name: 'migrateLogicDb', database_name: 'db_1' });
    await first.until((s) => s.events().length === 1);
    const lastId = first.events()[0]?.id ?? '';
    first.close();
    await feedWaiters(server, 0);
    await patch(job.id, { progress: 10 });
    await server.record({ project_id: PROJECT_B, name: 'CreateInstance' });
    await patch(job.id, { progress: 20 });
    const resumed = await streamAs('alice', PROJECT_A, { 'last-event-id': lastId });
    await resumed.until((s) => s.events().length === 2);
    expect(resumed.events().map((f) => [f.event, JSON.parse(f.data ?? '').job.process])).toEqual([
      ['changed', '10%'],
      ['changed', '20%'],
    ]);
    // Resuming after the first of them gives the second alone.
    const middle = resumed.events()[0]?.id ?? '';
    resumed.close();
    await feedWaiters(server, 0);
    const again = await streamAs('alice', PROJECT_A, { 'last-event-id': middle });
    await again.until((s) => s.events().length === 1);
    expect(again.events()[0]?.id).toBe(resumed.events()[1]?.id);
    expect(JSON.parse(again.events()[0]?.data ?? '').job.process).toBe('20%');
    again.close();
  });

  it('tells an emulator reset with a null job', async () => {
    const stream = await streamAs('alice');
    await feedWaiters(server, 1);
    await server.store.resetJobs(server.clock.now());
    await stream.until((s) => s.events().length === 1);
    expect(stream.events()[0]).toMatchObject({ event: 'reset', data: '{"type":"reset","job":null}' });
    stream.close();
  });

  it('follows with an access-key signature as the official SDKs send it', async () => {
    const { url, headers } = sdkSign(
      { method: 'GET', path: `/v3/${PROJECT_A}/jobs/stream`, headers: { 'X-Project-Id': PROJECT_A } },
      ALICE_KEY,
      server.clock.now(),
    );
    const stream = await connectSse(base, url, headers);
    expect(stream.status).toBe(200);
    await feedWaiters(server, 1);
    const job = await server.record({ name: 'CreateInstance' });
    await stream.until((s) => s.events().length === 1);
    expect(JSON.parse(stream.events()[0]?.data ?? '').job.id).toBe(job.id);
    stream.close();
  });

  it('ends once the token expires on the server clock, saying so in a last event without id', async () => {
    const stream = await streamAs('alice');
    await stream.until((s) => s.frames().length >= 2);
    let ended = false;
    void stream.ended.then(() => {
      ended = true;
    });
    server.clock.advance(DAY - 1);
    await stream.until((s) => s.frames().length >= 4);
    expect(ended).toBe(false);
    server.clock.advance(1);
    await stream.ended;
    expect(stream.text().endsWith('event: end\ndata: {"reason":"token_expired"}\n\n')).toBe(true);
    await feedWaiters(server, 0);
  });

  it('answers no credentials with 401 APIGW.0301 as JSON, not a stream', async () => {
    const answer = await connectSse(base, `/v3/${PROJECT_A}/jobs/stream`, {});
    expect(answer.status).toBe(401);
    expect(answer.headers['content-type']).toMatch(/^application\/json/);
    const requestId = String(answer.headers['x-request-id']);
    expect(answer.text()).toBe(
      JSON.stringify({
        error_code: GATEWAY.tokenMissing[0],
        error_msg: GATEWAY.tokenMissing[1],
        request_id: requestId,
      }),
    );
  });

  it("answers bob on project A's stream with 403 APIGW.0302", async () => {
    const answer = await streamAs('bob', PROJECT_A);
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.text())).toMatchObject({ error_code: 'APIGW.0302' });
    const own = await streamAs('bob', PROJECT_B);
    expect(own.status).toBe(200);
    own.close();
  });

  it("renders times in the server's time zone", async () => {
    const berlin = await buildApp({
      store: server.store,
      clock: server.clock,
      timeZone: 'Europe/Berlin',
      feed: { pollMs: 20 },
    });
    try {
      const url = await berlin.listen({ port: 0, host: '127.0.0.1' });
      const stream = await connectSse(url, `/v3/${PROJECT_A}/jobs/stream`, {
        'x-auth-token': await server.tokenFor('alice'),
      });
      await stream.until(() => berlin.server.listening);
      const job = await server.record({ name: 'CreateInstance' });
      await stream.until((s) => s.events().length === 1);
      // 2026-11-28 12:00 UTC is 13:00 in Berlin (winter time, +0100).
      expect(JSON.parse(stream.events()[0]?.data ?? '').job).toMatchObject({
        id: job.id,
        created_time: '2026-11-28T13:00:00+0100',
        end_time: '2026-11-28T13:00:00+0100',
      });
      stream.close();
    } finally {
      await berlin.close();
    }
  });

  it('has no HEAD form: HEAD is the show route asked for a task "stream", which does not exist', async () => {
    const response = await server.app.inject({
      method: 'HEAD',
      url: `/v3/${PROJECT_A}/jobs/stream`,
      headers: { 'x-auth-token': await server.tokenFor('alice') },
    });
    expect(response.statusCode).toBe(404);
  });

  it('rejects a Last-Event-ID that is not an id of this stream with 400 DBS.280001', async () => {
    // Garbage, and a plain cursor: the ids of the tenant stream are opaque.
    for (const id of ['x1', '0', '42']) {
      const answer = await streamAs('alice', PROJECT_A, { 'last-event-id': id });
      expect(answer.status).toBe(400);
      expect(answer.text()).toBe(
        PARAMETER_ERROR("Last-Event-ID must be the id of an event of this project's stream."),
      );
    }
  });
});
