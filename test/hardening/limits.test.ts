import { connect, type Socket } from 'node:net';
import {
  BODY_LIMIT_BYTES,
  DEFAULT_HTTP_LIMITS,
  DEFAULT_MAX_STREAMS_PER_USER,
  MAX_HEADER_BYTES,
  MAX_URL_LENGTH,
} from '@ddm-jobs/server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_A, PROJECT_B, startTestServer, type TestServer } from '../support/harness.js';
import { connectSse, type SseConnection } from '../support/sse-client.js';

/**
 * The limits of docs/hardening.md over real sockets: slow clients are cut by the header and
 * request timeouts, oversized requests are refused in the gateway's shape, and one user cannot
 * hold more event streams than the cap.
 */

/** A raw connection: what was written, and everything the server sent until it closed. */
interface RawClient {
  socket: Socket;
  received(): string;
  closed: Promise<void>;
}

function rawClient(port: number): Promise<RawClient> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      text += chunk;
    });
    const closed = new Promise<void>((done) => socket.on('close', () => done()));
    socket.on('error', () => {}); // a write after the server's cut; the close tells the outcome
    socket.once('connect', () => resolve({ socket, received: () => text, closed }));
    socket.once('error', reject);
  });
}

/** Writes `text` one byte every `everyMs` until the socket closes; resolves with the bytes written. */
async function trickle(client: RawClient, text: string, everyMs: number): Promise<number> {
  let written = 0;
  for (const char of text) {
    if (client.socket.destroyed || client.socket.writableEnded) break;
    client.socket.write(char);
    written++;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  return written;
}

/** Status and parsed JSON body of a raw HTTP/1.1 response text. */
function parseResponse(text: string): { status: number; headers: string; body: Record<string, unknown> } {
  const [head = '', body = ''] = text.split('\r\n\r\n', 2);
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]);
  return { status, headers: head.toLowerCase(), body: body ? JSON.parse(body) : {} };
}

describe('the HTTP server limits', () => {
  let server: TestServer;
  let port: number;
  let base: string;

  beforeAll(async () => {
    server = await startTestServer({
      limits: {
        // Short enough for a test, the same mechanism as the defaults.
        httpLimits: { headersTimeoutMs: 1_000, requestTimeoutMs: 2_000, timeoutCheckIntervalMs: 200 },
        maxStreamsPerUser: 2,
      },
      feed: { pollMs: 50, keepAliveMs: 60_000 },
    });
    await server.app.listen({ host: '127.0.0.1', port: 0 });
    const address = server.app.server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    port = address.port;
    base = `http://127.0.0.1:${port}`;
  });
  afterAll(() => server.close());

  it('sets the documented defaults on the Node HTTP server', async () => {
    const plain = await startTestServer();
    try {
      const http = plain.app.server;
      expect(http.headersTimeout).toBe(DEFAULT_HTTP_LIMITS.headersTimeoutMs);
      expect(http.requestTimeout).toBe(DEFAULT_HTTP_LIMITS.requestTimeoutMs);
      expect(http.keepAliveTimeout).toBe(DEFAULT_HTTP_LIMITS.keepAliveTimeoutMs);
      expect(DEFAULT_HTTP_LIMITS).toEqual({
        headersTimeoutMs: 15_000,
        requestTimeoutMs: 30_000,
        keepAliveTimeoutMs: 72_000,
        timeoutCheckIntervalMs: 1_000,
      });
      expect([BODY_LIMIT_BYTES, MAX_HEADER_BYTES, MAX_URL_LENGTH]).toEqual([65_536, 16_384, 8_192]);
      expect(DEFAULT_MAX_STREAMS_PER_USER).toBe(10);
    } finally {
      await plain.close();
    }
  });

  it('cuts a client sending its headers one byte at a time with 408, long before it finishes', async () => {
    const client = await rawClient(port);
    const request = `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ${'a'.repeat(200)}\r\n\r\n`;
    // 250 bytes at 100 ms a byte would take 25 s; the header timeout is 1 s.
    const written = await trickle(client, request, 100);
    await client.closed;
    expect(written).toBeLessThan(request.length);
    const answer = parseResponse(client.received());
    expect(answer.status).toBe(408);
    expect(answer.body).toMatchObject({ error_code: 'APIGW.0201', error_msg: 'Request timeout' });
  });

  it('cuts a client trickling its body with 408, and nothing is recorded', async () => {
    const worker = await server.tokenFor('worker');
    const before = await server.store.lastEventCursor();
    const body = JSON.stringify({
      project_id: PROJECT_A,
      name: 'CreateInstance',
      instance_id: 'inst0001',
      instance_name: `slow-${'x'.repeat(200)}`,
    });
    const client = await rawClient(port);
    client.socket.write(
      `POST /internal/v1/jobs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n` +
        `X-Auth-Token: ${worker}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`,
    );
    // The headers arrived at once; the body would take 25 s, the request timeout is 2 s.
    const written = await trickle(client, body, 100);
    await client.closed;
    expect(written).toBeLessThan(body.length);
    const answer = parseResponse(client.received());
    expect(answer.status).toBe(408);
    expect(answer.body).toMatchObject({ error_code: 'APIGW.0201' });
    expect(await server.store.lastEventCursor()).toBe(before);
  });

  it('answers headers past 16 KiB with 431 APIGW.0201', async () => {
    const client = await rawClient(port);
    client.socket.write(`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(MAX_HEADER_BYTES)}\r\n\r\n`);
    await client.closed;
    const answer = parseResponse(client.received());
    expect(answer.status).toBe(431);
    expect(answer.body).toMatchObject({ error_code: 'APIGW.0201' });
  });

  it('answers a URL past 8 KiB with 414 APIGW.0201 before authentication, one just under it as usual', async () => {
    const path = `/v3/${PROJECT_A}/jobs?name=`;
    const long = await fetch(`${base}${path}${'n'.repeat(MAX_URL_LENGTH - path.length + 1)}`);
    expect(long.status).toBe(414);
    const body = (await long.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ error_code: 'APIGW.0201', error_msg: 'Request URI too long' });
    expect(body.request_id).toBe(long.headers.get('x-request-id'));
    // Just at the limit the request is routed: no token, so 401.
    const atLimit = await fetch(`${base}${path}${'n'.repeat(MAX_URL_LENGTH - path.length)}`);
    expect(atLimit.status).toBe(401);
  });

  it('answers a body past 64 KiB with 413 APIGW.0201, and nothing is recorded', async () => {
    const before = await server.store.lastEventCursor();
    const response = await fetch(`${base}/internal/v1/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-auth-token': await server.tokenFor('worker') },
      body: JSON.stringify({ project_id: PROJECT_A, padding: 'p'.repeat(BODY_LIMIT_BYTES) }),
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error_code: 'APIGW.0201' });
    expect(await server.store.lastEventCursor()).toBe(before);
  });

  it('does not cut answers that outlast the request timeout: an event stream and a long-poll', async () => {
    const worker = await server.tokenFor('worker');
    const stream = await connectSse(base, '/internal/v1/events', { 'x-auth-token': worker });
    expect(stream.status).toBe(200);
    let ended = false;
    stream.ended.then(() => {
      ended = true;
    });
    const after = await server.store.lastEventCursor();
    // The request timeout is 2 s: the long-poll waits 3 s, the stream stays open meanwhile.
    const poll = await fetch(`${base}/internal/v1/events?after=${after}&wait=3`, {
      headers: { 'x-auth-token': worker },
    });
    expect(poll.status).toBe(200);
    expect(await poll.json()).toEqual({ events: [], next_cursor: String(after) });
    expect(ended).toBe(false);
    stream.close();
  });

  describe('event streams per user', () => {
    const open: SseConnection[] = [];
    afterEach(() => {
      for (const stream of open.splice(0)) stream.close();
    });
    const follow = async (path: string, token: string) => {
      const stream = await connectSse(base, path, { 'x-auth-token': token, accept: 'text/event-stream' });
      open.push(stream);
      return stream;
    };
    /** Waits (wall time, generously) until a stream of the user can be opened again. */
    const eventually = async (attempt: () => Promise<SseConnection>) => {
      for (let tries = 0; tries < 100; tries++) {
        const stream = await attempt();
        if (stream.status === 200) return stream;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error('the slot never came back');
    };

    it('refuses a tenant stream past the cap with 429 APIGW.0308 and Retry-After, per user', async () => {
      const alice = await server.tokenFor('alice');
      const streamPath = `/v3/${PROJECT_A}/jobs/stream`;
      expect((await follow(streamPath, alice)).status).toBe(200);
      const second = await follow(streamPath, alice);
      expect(second.status).toBe(200);
      const third = await follow(streamPath, alice);
      expect(third.status).toBe(429);
      expect(third.headers['retry-after']).toBe('5');
      expect(JSON.parse(third.text())).toMatchObject({ error_code: 'APIGW.0308' });
      // Another user has slots of their own.
      expect((await follow(`/v3/${PROJECT_B}/jobs/stream`, await server.tokenFor('bob'))).status).toBe(200);
      // A stream that ends gives its slot back.
      second.close();
      expect((await eventually(() => follow(streamPath, alice))).status).toBe(200);
    });

    it('counts the internal feed streams the same way, and not its long-polls', async () => {
      const worker = await server.tokenFor('worker');
      expect((await follow('/internal/v1/events', worker)).status).toBe(200);
      const second = await follow('/internal/v1/events', worker);
      expect(second.status).toBe(200);
      const refused = await follow('/internal/v1/events', worker);
      expect(refused.status).toBe(429);
      expect(refused.headers['retry-after']).toBe('5');
      expect(JSON.parse(refused.text())).toMatchObject({ error_code: 'APIGW.0308' });
      const plain = await fetch(`${base}/internal/v1/events?after=0&limit=1`, {
        headers: { 'x-auth-token': worker },
      });
      expect(plain.status).toBe(200);
      second.close();
      expect((await eventually(() => follow('/internal/v1/events', worker))).status).toBe(200);
    });
  });
});
