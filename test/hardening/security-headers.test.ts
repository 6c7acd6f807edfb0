import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp, openSqliteStore } from '@ddm-jobs/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, PROJECT_A, startTestServer, type TestServer } from '../support/harness.js';
import { passwordSignIn } from '../support/keystone-body.js';
import { parseAnswer, rawExchange } from '../support/raw-http.js';

// The security headers of every answer (packages/server/src/http/security-headers.ts,
// SECURITY.md): JSON answers are never cached, sniffed or framed and load nothing; the console
// keeps its own strict CSP and caching; HSTS only behind an https public URL.

const API_CSP = "default-src 'none'; frame-ancestors 'none'";

const expectApiHeaders = (headers: Record<string, unknown>) => {
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['cache-control']).toBe('no-store');
  expect(headers['content-security-policy']).toBe(API_CSP);
  expect(headers['referrer-policy']).toBe('no-referrer');
  expect(headers['x-frame-options']).toBe('DENY');
  expect(headers['strict-transport-security']).toBeUndefined();
};

describe('security headers on API answers', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('a token answer (POST /v3/auth/tokens) is no-store, nosniff and loads nothing', async () => {
    const response = await server.app.inject({
      method: 'POST',
      url: '/v3/auth/tokens',
      payload: passwordSignIn({ name: 'alice', password: 'correct horse battery staple' }, PROJECT_A),
    });
    expect(response.statusCode).toBe(201);
    expectApiHeaders(response.headers);
  });

  it('task data, a refused request, an unknown route and a service route carry them alike', async () => {
    const now = server.clock.now();
    const token = await server.tokenFor('alice');
    const answers = await Promise.all([
      server.app.inject({
        url: `/v3/${PROJECT_A}/jobs?start_time=${now - 3_600_000}&end_time=${now}`,
        headers: { 'x-auth-token': token },
      }),
      server.app.inject({ url: `/v3/${PROJECT_A}/jobs?start_time=0&end_time=1` }),
      server.app.inject({ url: '/no/such/route' }),
      server.app.inject({ url: '/healthz' }),
      server.app.inject({
        method: 'POST',
        url: '/v3/auth/tokens',
        headers: { 'content-type': 'application/json' },
        payload: '{"auth":',
      }),
    ]);
    expect(answers.map((a) => a.statusCode)).toEqual([200, 401, 404, 200, 400]);
    for (const answer of answers) expectApiHeaders(answer.headers);
  });

  it('a path the router cannot decode, answered before any hook runs, carries them', async () => {
    const answer = await server.app.inject({ url: '/v3/%zz/jobs' });
    expect(answer.statusCode).toBe(404);
    expect(answer.json().error_code).toBe('APIGW.0101');
    expectApiHeaders(answer.headers);
  });

  describe('answers the HTTP parser writes straight to the socket', () => {
    let port: number;
    beforeAll(async () => {
      await server.app.listen({ host: '127.0.0.1', port: 0 });
      port = (server.app.server.address() as { port: number }).port;
    });

    it.each([
      [431, `GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Padding: ${'a'.repeat(20_000)}\r\n\r\n`],
      [
        400,
        'POST /internal/v1/jobs HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n' +
          'Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}',
      ],
    ])('%i carries them', async (status, request) => {
      const answer = parseAnswer(await rawExchange(port, request));
      expect(answer.status).toBe(status);
      expectApiHeaders(answer.headers);
    });
  });
});

describe('the console and HSTS', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ddm-jobs-headers-'));
  const consoleDir = join(dir, 'console');
  let app: Awaited<ReturnType<typeof buildApp>>;
  let store: ReturnType<typeof openSqliteStore>;
  beforeAll(async () => {
    mkdirSync(join(consoleDir, 'assets'), { recursive: true });
    writeFileSync(join(consoleDir, 'index.html'), '<!doctype html><title>t</title>');
    store = openSqliteStore({ dataDir: dir });
    app = await buildApp({
      store,
      clock: new ManualClock(),
      consoleDir,
      publicUrl: 'https://ddm.example.test',
      simulatorIntervalMs: 0,
      retentionIntervalMs: 0,
    });
  });
  afterAll(async () => {
    await app.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("the console keeps its own CSP and caching, which allow its own files, and the API's defaults do not replace them", async () => {
    const response = await app.inject({ url: '/console/' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-security-policy']).toContain("script-src 'self'");
    expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(response.headers['cache-control']).toBe('no-cache');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
  });

  it('an https public URL adds Strict-Transport-Security to every answer, the console included', async () => {
    for (const url of ['/healthz', '/v3', '/console/', '/no/such/route']) {
      const response = await app.inject({ url });
      expect(response.headers['strict-transport-security'], url).toBe('max-age=31536000; includeSubDomains');
    }
  });
});
