import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD } from '../cli/cli-process.js';
import { launchChromium, signInThroughForm } from '../console/console-fixture.js';
import { passwordAuth } from '../support/keystone-body.js';
import { runToEnd, type Server, startServer, stopServer } from '../support/processes.js';
import { httpsRequest, openHttpsStream } from './https-client.js';
import { type NginxProxy, startNginx } from './nginx.js';

/**
 * ddm-jobs behind Debian's nginx with TLS, configured with the very block docs/deployment.md
 * gives (ports and paths changed only), with a self-signed certificate made here by openssl: the
 * API, the console (signed in with Chromium, a bar moving live) and both event streams work
 * through it, events arrive at once (not held in
 * the proxy's buffers), and `--trust-proxy` makes logs and the per-address limit see the client's
 * address from X-Forwarded-For only when the proxy is trusted; a forged header changes nothing.
 */

let dir: string;
let ca: string;
const servers: Server[] = [];
const proxies: NginxProxy[] = [];

const signInBody = JSON.stringify(
  passwordAuth(
    { name: 'admin', domain: { name: 'default' }, password: ADMIN_PASSWORD },
    { project: { name: 'default', domain: { name: 'default' } } },
  ),
);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ddm-jobs-nginx-'));
  const made = await runToEnd('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=127.0.0.1',
    '-addext',
    'subjectAltName=IP:127.0.0.1,DNS:localhost',
    '-keyout',
    join(dir, 'key.pem'),
    '-out',
    join(dir, 'cert.pem'),
  ]);
  expect(made.code, made.stderr).toBe(0);
  ca = readFileSync(join(dir, 'cert.pem'), 'utf8');
}, 30_000);

afterAll(async () => {
  await Promise.all(proxies.map((proxy) => proxy.stop()));
  await Promise.all(servers.map((server) => stopServer(server.child)));
  rmSync(dir, { recursive: true, force: true });
});

/** `ddm-jobs serve ARGS` (JSON logs at info, to read its request lines) with nginx in front. */
async function serveBehindNginx(
  name: string,
  args: string[],
): Promise<{ server: Server; proxy: NginxProxy }> {
  const server = await startServer(join(dir, `${name}-data`), {
    adminPassword: ADMIN_PASSWORD,
    args: [...args, '--log-format', 'json', '--log-level', 'info'],
  });
  servers.push(server);
  const proxy = await startNginx({
    dir: join(dir, `${name}-nginx`),
    upstreamPort: Number(new URL(server.url).port),
    certFile: join(dir, 'cert.pem'),
    keyFile: join(dir, 'key.pem'),
  });
  proxies.push(proxy);
  return { server, proxy };
}

/** The server's request record with this request id. */
function requestRecord(server: Server, requestId: string): Record<string, unknown> {
  const line = server
    .output()
    .split('\n')
    .find((text) => text.includes(`"req_id":"${requestId}"`) && text.includes('"msg":"request"'));
  if (!line) throw new Error(`no request line for ${requestId} in ${server.output()}`);
  return JSON.parse(line) as Record<string, unknown>;
}

/** Waits until the server has logged the request (its line follows the answer). */
async function loggedRecord(server: Server, requestId: string): Promise<Record<string, unknown>> {
  for (let waited = 0; ; waited += 20) {
    try {
      return requestRecord(server, requestId);
    } catch (error) {
      if (waited > 5_000) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

describe('behind nginx with TLS, configured as docs/deployment.md says', () => {
  it('serves the API, the console and both event streams through the proxy, events at once', async () => {
    const { server, proxy } = await serveBehindNginx('api', ['--trust-proxy', '127.0.0.1']);

    const signIn = await httpsRequest(`${proxy.url}/v3/auth/tokens`, {
      ca,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: signInBody,
    });
    expect(signIn.status, signIn.body).toBe(201);
    const token = signIn.headers['x-subject-token'] as string;
    const { token: body } = JSON.parse(signIn.body) as {
      token: { project: { id: string }; catalog: { endpoints: { url: string }[] }[] };
    };
    const project = body.project.id;
    // The trusted proxy's X-Forwarded-Proto and Host: the catalog names the https address.
    expect(body.catalog[0]?.endpoints[0]?.url).toMatch(new RegExp(`^${proxy.url}/`));

    const now = Date.now();
    const list = await httpsRequest(
      `${proxy.url}/v3/${project}/jobs?start_time=${now - 3_600_000}&end_time=${now}`,
      {
        ca,
        headers: { 'x-auth-token': token },
      },
    );
    expect(list.status, list.body).toBe(200);
    expect(JSON.parse(list.body)).toMatchObject({ jobs: [], total: 0 });

    const page = await httpsRequest(`${proxy.url}/console/`, { ca });
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    const asset = /\/console\/assets\/[\w.-]+\.js/.exec(page.body)?.[0];
    expect(asset, page.body).toBeDefined();
    const script = await httpsRequest(`${proxy.url}${asset}`, { ca });
    expect(script.status).toBe(200);
    expect(script.headers['content-type']).toContain('javascript');

    const tenantStream = await openHttpsStream(`${proxy.url}/v3/${project}/jobs/stream`, {
      ca,
      headers: { 'x-auth-token': token },
    });
    const feedStream = await openHttpsStream(`${proxy.url}/internal/v1/events`, {
      ca,
      headers: { 'x-auth-token': token, accept: 'text/event-stream' },
    });
    try {
      for (const stream of [tenantStream, feedStream]) {
        expect(stream.status).toBe(200);
        expect(stream.headers['content-type']).toContain('text/event-stream');
      }
      const id = randomUUID();
      const created = await httpsRequest(`${proxy.url}/internal/v1/jobs`, {
        ca,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-auth-token': token },
        body: JSON.stringify({
          id,
          project_id: project,
          name: 'EnlargeNode',
          instance_id: 'inst0001',
          instance_name: 'behind-nginx',
        }),
      });
      expect(created.status, created.body).toBe(201);
      const answered = performance.now();
      // The feed is polled every 100 ms; held in a proxy buffer, a 500-byte event would wait
      // for the buffer to fill or the stream to end, far beyond this.
      const [tenantAt, feedAt] = await Promise.all([tenantStream.arrival(id), feedStream.arrival(id)]);
      expect(tenantAt - answered).toBeLessThan(1_500);
      expect(feedAt - answered).toBeLessThan(1_500);
    } finally {
      tenantStream.close();
      feedStream.close();
    }
    // The request lines name the client, as the proxy reported it (this test runs on 127.0.0.1).
    const record = await loggedRecord(server, list.headers['x-request-id'] as string);
    expect(record).toMatchObject({ route: '/v3/:project_id/jobs', status: 200, ip: '127.0.0.1' });
  }, 60_000);

  it('lets a person sign in to the console through the proxy and see a task change live', async () => {
    const { proxy } = await serveBehindNginx('console', ['--trust-proxy', '127.0.0.1']);
    const signIn = await httpsRequest(`${proxy.url}/v3/auth/tokens?nocatalog`, {
      ca,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: signInBody,
    });
    const token = signIn.headers['x-subject-token'] as string;
    const project = (JSON.parse(signIn.body) as { token: { project: { id: string } } }).token.project.id;
    const id = randomUUID();
    const report = (method: string, path: string, body: unknown) =>
      httpsRequest(`${proxy.url}${path}`, {
        ca,
        method,
        headers: { 'content-type': 'application/json', 'x-auth-token': token },
        body: JSON.stringify(body),
      });
    const created = await report('POST', '/internal/v1/jobs', {
      id,
      project_id: project,
      name: 'EnlargeNode',
      instance_id: 'inst0001',
      instance_name: 'behind-nginx',
      status: 'Running',
      progress: 10,
    });
    expect(created.status, created.body).toBe(201);

    const browser = await launchChromium();
    try {
      // The certificate is the test's own: the browser is told to accept it, as a person would.
      const context = await browser.newContext({
        ignoreHTTPSErrors: true,
        timezoneId: 'UTC',
        locale: 'en-GB',
      });
      const page = await context.newPage();
      const errors: string[] = [];
      const requests: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text());
      });
      page.on('request', (request) => requests.push(request.url()));
      await signInThroughForm(page, proxy.url, { user: 'admin', password: ADMIN_PASSWORD });
      const row = page.locator('.task-table tbody tr', { hasText: 'behind-nginx' });
      await row.locator('progress[value="10"]').waitFor();
      // The tenant stream through nginx moves the bar without a reload.
      expect((await report('PATCH', `/internal/v1/jobs/${id}`, { progress: 40 })).status).toBe(200);
      await row.locator('progress[value="40"]').waitFor({ timeout: 5_000 });
      expect(errors).toEqual([]);
      const origin = new URL(proxy.url).origin;
      expect(requests.filter((url) => !url.startsWith('data:') && new URL(url).origin !== origin)).toEqual(
        [],
      );
    } finally {
      await browser.close();
    }
  }, 60_000);

  it('counts and logs the client behind a trusted proxy by its address, never a forged one', async () => {
    const { server, proxy } = await serveBehindNginx('limited', [
      '--trust-proxy',
      '127.0.0.1',
      '--address-rate-limit',
      '1',
    ]);
    const forged = { 'x-forwarded-for': '203.0.113.7' };
    // Client 127.0.0.2 spends its one request a second; its forged header changes nothing.
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++)
      statuses.push(
        (await httpsRequest(`${proxy.url}/v3`, { ca, headers: forged, localAddress: '127.0.0.2' })).status,
      );
    expect(statuses[0]).toBe(200);
    expect(statuses).toContain(429);
    // Client 127.0.0.3, through the same proxy and with the same forged header: its own count.
    const other = await httpsRequest(`${proxy.url}/v3`, { ca, headers: forged, localAddress: '127.0.0.3' });
    expect(other.status).toBe(200);
    const record = await loggedRecord(server, other.headers['x-request-id'] as string);
    expect(record).toMatchObject({ route: '/v3', status: 200, ip: '127.0.0.3' });
  }, 60_000);

  it("ignores X-Forwarded-For without --trust-proxy: every client is the proxy; the server's Date passes", async () => {
    // On a virtual clock, to see that the server's Date header passes through the proxy.
    const { server, proxy } = await serveBehindNginx('untrusting', [
      '--address-rate-limit',
      '1',
      '--clock',
      'virtual',
      '--clock-start',
      '2026-01-01T00:00:00Z',
    ]);
    const direct = (address: string) =>
      fetch(`${server.url}/v3`, { headers: { 'x-forwarded-for': address } }).then(async (response) => {
        await response.arrayBuffer();
        return response;
      });
    const first = await direct('198.51.100.1');
    expect(first.status).toBe(200);
    const statuses = [(await direct('198.51.100.1')).status, (await direct('198.51.100.2')).status];
    // Another forged address is the same client: the socket's, 127.0.0.1, still over its limit;
    // and so is a client at another address behind the proxy, which connects from 127.0.0.1.
    const proxied = await httpsRequest(`${proxy.url}/v3`, { ca, localAddress: '127.0.0.3' });
    expect([...statuses, proxied.status]).toEqual([429, 429, 429]);
    expect(proxied.headers.date).toBe('Thu, 01 Jan 2026 00:00:00 GMT');
    const record = await loggedRecord(server, first.headers.get('x-request-id') as string);
    expect(record).toMatchObject({ route: '/v3', ip: '127.0.0.1' });
  }, 60_000);
});
