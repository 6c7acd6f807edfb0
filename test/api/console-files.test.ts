import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '@ddm-jobs/server';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Answer, GATEWAY, gatewayBodyFor, gatewayErrorText, requestIdOf } from '../support/api.js';
import { openTestStore, removeTestData } from '../support/harness.js';

/**
 * The console's files under /console/ (issue 7, item 6), from a console folder the test writes:
 * Vite's shape, index.html and assets/ with hashed names. Independent of any real build.
 */

const INDEX =
  '<!doctype html><html><head><script type="module" src="/console/assets/app-abc123.js"></script></head></html>';
const SCRIPT = 'console.log("task center");';
const SECRET = 'outside the console folder';

const SECURITY = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

/** An app serving the console from `consoleDir`, on a store of its own. */
async function startConsoleApp(consoleDir: string) {
  const dataDir = mkdtempSync(join(tmpdir(), 'ddm-jobs-console-data-'));
  const store = await openTestStore(dataDir);
  const app = await buildApp({ store, consoleDir, simulatorIntervalMs: 0, retentionIntervalMs: 0 });
  return {
    app,
    async close() {
      await app.close();
      await store.close();
      await removeTestData(dataDir);
    },
  };
}

/** A GET over real HTTP with the path sent exactly as written (no client normalises it). */
function rawGet(app: FastifyInstance, path: string): Promise<{ status: number; body: string }> {
  const { port } = app.server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const expectSecurityHeaders = (response: Answer) => {
  for (const [name, value] of Object.entries(SECURITY)) expect(response.headers[name], name).toBe(value);
};

const expectNotServed = (response: Answer, head = false) => {
  expect(response.statusCode).toBe(404);
  expect(response.body).toBe(head ? '' : gatewayBodyFor(response, 'noSuchApi'));
  expectSecurityHeaders(response);
};

describe('the console under /console/', () => {
  let parent: string;
  let server: Awaited<ReturnType<typeof startConsoleApp>>;
  const get = (url: string, method: 'GET' | 'HEAD' = 'GET') => server.app.inject({ method, url });
  /** Over real HTTP (the path as written) and injected: 404 as any file not served, never the file. */
  const expectKeptIn = async (url: string) => {
    const raw = await rawGet(server.app, url);
    expect(raw.status, url).toBe(404);
    expect(JSON.parse(raw.body).error_code).toBe('APIGW.0101');
    // Injected requests may have their path normalised first (out of /console/): 404 all the same.
    const injected = await get(url);
    expect(injected.statusCode, url).toBe(404);
    expect(injected.body).toBe(gatewayBodyFor(injected, 'noSuchApi'));
  };

  beforeAll(async () => {
    // The console folder sits beside files that must never be reachable through it.
    parent = mkdtempSync(join(tmpdir(), 'ddm-jobs-console-'));
    writeFileSync(join(parent, 'package.json'), JSON.stringify({ secret: SECRET }));
    writeFileSync(join(parent, 'secret.txt'), SECRET);
    const dir = join(parent, 'dist');
    mkdirSync(join(dir, 'assets'), { recursive: true });
    writeFileSync(join(dir, 'index.html'), INDEX);
    writeFileSync(join(dir, 'assets', 'app-abc123.js'), SCRIPT);
    writeFileSync(join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    writeFileSync(join(dir, '.env'), SECRET);
    server = await startConsoleApp(dir);
    await server.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await server.close();
    rmSync(parent, { recursive: true, force: true });
  });

  it('serves index.html at /console/, revalidated on each use, with the security headers', async () => {
    const response = await get('/console/');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.body).toBe(INDEX);
    expect(response.headers['cache-control']).toBe('no-cache');
    expect(response.headers.etag).toBeTruthy();
    expectSecurityHeaders(response);
  });

  it('answers HEAD /console/ with the headers of GET and no body', async () => {
    const response = await get('/console/', 'HEAD');
    expect(response.statusCode).toBe(200);
    expect(response.body).toBe('');
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.headers['cache-control']).toBe('no-cache');
    expectSecurityHeaders(response);
  });

  it('answers an unchanged index.html with 304 when the browser revalidates', async () => {
    const first = await get('/console/');
    const again = await server.app.inject({
      url: '/console/',
      headers: { 'if-none-match': String(first.headers.etag) },
    });
    expect(again.statusCode).toBe(304);
  });

  it.each([
    ['/console', '/console/'],
    ['/console?lang=en', '/console/?lang=en'],
  ])('redirects %s to %s', async (from, to) => {
    const response = await get(from);
    expect(response.statusCode).toBe(301);
    expect(response.headers.location).toBe(to);
    expectSecurityHeaders(response);
  });

  it('serves the hashed assets as immutable for a year', async () => {
    for (const method of ['GET', 'HEAD'] as const) {
      const response = await get('/console/assets/app-abc123.js', method);
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toMatch(/^(text|application)\/javascript/);
      expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(response.body).toBe(method === 'GET' ? SCRIPT : '');
      expectSecurityHeaders(response);
    }
  });

  it('serves other files beside index.html without long caching', async () => {
    const response = await get('/console/favicon.svg');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(response.headers['cache-control']).toBe('no-cache');
  });

  it.each([
    '/console/missing.js',
    '/console/assets/app-000000.js',
    '/console/tasks/123',
    '/console/assets/',
    '/console/assets',
    '/console/.env',
  ])('answers %s, which is no file of the console, with 404 (not index.html)', async (url) => {
    expectNotServed(await get(url));
    expectNotServed(await get(url, 'HEAD'), true);
  });

  it('answers other methods on console paths with 404, not 405', async () => {
    for (const [method, url] of [
      ['POST', '/console/'],
      ['PUT', '/console/assets/app-abc123.js'],
      ['DELETE', '/console/index.html'],
    ] as const) {
      expectNotServed(await server.app.inject({ method, url }));
    }
  });

  it.each([
    '/console/../package.json',
    '/console/../secret.txt',
    '/console/%2e%2e/package.json',
    '/console/%2E%2E/secret.txt',
    '/console/..%2fsecret.txt',
    '/console/%2e%2e%2fsecret.txt',
    '/console/assets/../../secret.txt',
    '/console/assets/%2e%2e/%2e%2e/secret.txt',
    '/console/..%5csecret.txt',
    '/console//secret.txt',
  ])('never leaves the console folder for %s', async (url) => {
    await expectKeptIn(url);
  });

  it('never serves an absolute path written after /console/', async () => {
    await expectKeptIn(`/console/${encodeURIComponent(join(parent, 'secret.txt'))}`);
    await expectKeptIn(`/console/${join(parent, 'secret.txt')}`);
  });

  it("keeps the console's headers off the API answers, which have their own CSP (security-headers.ts)", async () => {
    const response = await get('/healthz');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
  });
});

describe('a console folder without a build', () => {
  let dir: string;
  let server: Awaited<ReturnType<typeof startConsoleApp>>;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ddm-jobs-console-empty-'));
    server = await startConsoleApp(join(dir, 'dist'));
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers /console/ with 404 telling how to build the console, never a 500', async () => {
    for (const method of ['GET', 'HEAD'] as const) {
      const response = await server.app.inject({ method, url: '/console/' });
      expect(response.statusCode).toBe(404);
      expectSecurityHeaders(response);
      if (method === 'HEAD') continue;
      const [code, message] = GATEWAY.noSuchApi;
      expect(response.body).toBe(
        gatewayErrorText(
          code,
          `${message} The console is not built: run \`npm run build\` (it writes packages/console/dist), ` +
            'or start the server with --console-dir naming a built console.',
          requestIdOf(response),
        ),
      );
    }
  });

  it('serves a console built after the start, without a restart', async () => {
    mkdirSync(join(dir, 'dist'));
    writeFileSync(join(dir, 'dist', 'index.html'), INDEX);
    const response = await server.app.inject({ url: '/console/' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toBe(INDEX);
  });
});
