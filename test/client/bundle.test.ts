import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as source from '@ddm-jobs/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_A, startTestServer, type TestServer } from '../support/harness.js';
import { closeListening, DAY, listen, rejection } from './support.js';

/**
 * The package as it ships: Vite's single ES module (`npm run build` makes it; `npm test` builds
 * first). It must stand alone, in Node as in a browser: no import of any package or file.
 */
const BUNDLE = fileURLToPath(new URL('../../packages/client/dist/index.js', import.meta.url));

let server: TestServer;
let url: string;
beforeAll(async () => {
  server = await startTestServer();
  url = await listen(server);
});
afterAll(() => closeListening(server));

describe('the built bundle', () => {
  it('exists (run npm run build first)', () => {
    expect(existsSync(BUNDLE), `${BUNDLE} is missing: run npm run build`).toBe(true);
  });

  it('imports nothing: no static, dynamic or CommonJS import of a package or file', () => {
    const code = readFileSync(BUNDLE, 'utf8');
    expect(code).not.toMatch(/^\s*import\b/m);
    expect(code).not.toMatch(/\bfrom\s*["'][^"']+["']/);
    expect(code).not.toMatch(/\bimport\s*\(/);
    expect(code).not.toMatch(/\brequire\s*\(/);
    expect(code).not.toMatch(/node:/);
    expect(code).toMatch(/^export \{[^}]*\bDdmClient\b[^}]*\};$/m);
  });

  it('its DdmClient works against a real server, and its errors pass the guards of another copy', async () => {
    const bundle = (await import(pathToFileURL(BUNDLE).href)) as typeof source;
    const client = new bundle.DdmClient({
      endpoint: url,
      projectId: PROJECT_A,
      auth: await server.tokenFor('alice'),
    });
    const now = server.clock.now();
    expect(await client.listJobs({ startTime: now - DAY, endTime: now })).toEqual({
      jobs: [],
      offset: 0,
      limit: 10,
      total: 0,
    });
    const error = await rejection(client.getJob('0b6f3c2e-0000-4000-8000-000000000000'));
    expect(error).toBeInstanceOf(bundle.DdmApiError);
    // Two copies of the SDK (the sources here, the bundle): instanceof fails, the guards do not.
    expect(error).not.toBeInstanceOf(source.DdmApiError);
    expect(source.isDdmApiError(error)).toBe(true);
    expect(error).toMatchObject({ status: 404, errorCode: 'DBS.300400' });
  });
});
