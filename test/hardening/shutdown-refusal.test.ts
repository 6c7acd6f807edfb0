import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { PROJECT_A, startTestServer, type TestServer } from '../support/harness.js';

/**
 * The two halves of a graceful stop, made deterministic on one raw connection: a request the
 * server is reading when close starts is answered in full (and its write kept), and a request
 * that arrives on the same connection afterwards is refused with the documented 503 APIGW.0202
 * and Retry-After (not Fastify's own body), and the connection is closed.
 */

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close().catch(() => {});
  server = undefined;
});

it('finishes the request in flight at close and refuses the next one with 503 APIGW.0202', async () => {
  server = await startTestServer();
  const token = await server.tokenFor('worker');
  const base = new URL(await server.app.listen({ host: '127.0.0.1', port: 0 }));
  const id = randomUUID();
  const body = JSON.stringify({
    id,
    project_id: PROJECT_A,
    name: 'CreateInstance',
    instance_id: 'inst0001',
    instance_name: 'in-flight',
    created_at: server.clock.now() - 1000,
  });
  const socket = connect(Number(base.port), base.hostname);
  let received = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    received += chunk;
  });
  const closedByServer = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  // The first request's headers and half its body: routed, in flight, waiting for the rest.
  const half = Math.floor(body.length / 2);
  socket.write(
    `POST /internal/v1/jobs HTTP/1.1\r\nHost: ${base.host}\r\nX-Auth-Token: ${token}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, half)}`,
  );
  await new Promise((resolve) => setTimeout(resolve, 200));
  const closed = server.app.close();
  await new Promise((resolve) => setTimeout(resolve, 200));
  // The rest of the body, and a second request pipelined behind it.
  socket.write(
    `${body.slice(half)}GET /internal/v1/jobs/${id} HTTP/1.1\r\nHost: ${base.host}\r\nX-Auth-Token: ${token}\r\n\r\n`,
  );
  await closedByServer;
  await closed;

  const answers = received.split(/(?=HTTP\/1\.1 )/);
  expect(answers.map((a) => a.slice(0, 12))).toEqual(['HTTP/1.1 201', 'HTTP/1.1 503']);
  const refusal = answers[1] as string;
  expect(refusal).toMatch(/\r\nretry-after: 1\r\n/i);
  expect(refusal).toMatch(/\r\nconnection: close\r\n/i);
  const refusalBody = JSON.parse(refusal.slice(refusal.indexOf('\r\n\r\n') + 4));
  expect(refusalBody).toMatchObject({ error_code: 'APIGW.0202', error_msg: 'Backend unavailable' });
  expect(refusalBody.request_id).toMatch(/\S/);
  // The write answered 201 is stored.
  expect((await server.store.getJob(id))?.id).toBe(id);
});
