import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp, type Store } from '@ddm-jobs/server';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { openTestStore, removeTestData } from '../support/harness.js';

// A node listens before it applies its declarations (serve.ts): requests that arrive meanwhile
// wait for that work, then are answered as usual; if the start fails they are refused as a node
// that is closing refuses them (503 APIGW.0202, Retry-After), never left hanging.

let opened: { app: FastifyInstance; store: Store; dir: string } | undefined;

afterEach(async () => {
  if (!opened) return;
  await opened.app.close();
  await opened.store.close();
  await removeTestData(opened.dir);
  opened = undefined;
});

/** An app on a fresh store whose start-up work settles when the test says so. */
async function appStarting() {
  let done: () => void = () => {};
  let fail: (error: Error) => void = () => {};
  const startup = new Promise<void>((resolve, reject) => {
    done = resolve;
    fail = reject;
  });
  startup.catch(() => {});
  const dir = mkdtempSync(join(tmpdir(), 'ddm-jobs-gate-'));
  const store = await openTestStore(dir);
  const app = await buildApp({ store, startup, simulatorIntervalMs: 0, retentionIntervalMs: 0 });
  opened = { app, store, dir };
  return { app, done, fail };
}

const pending = <T>(promise: Promise<T>) =>
  Promise.race([promise, new Promise((resolve) => setTimeout(() => resolve('pending'), 100))]);

describe('requests during start-up', () => {
  it('wait until the start-up work is done, then are answered as usual', async () => {
    const { app, done } = await appStarting();
    const answer = app.inject({ url: '/healthz' });
    expect(await pending(answer)).toBe('pending');
    done();
    expect((await answer).statusCode).toBe(200);
    expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);
  });

  it('are refused with 503 APIGW.0202 and Retry-After when the start fails', async () => {
    const { app, fail } = await appStarting();
    const answer = app.inject({ url: '/healthz' });
    expect(await pending(answer)).toBe('pending');
    fail(new Error('bootstrap file cannot be applied'));
    const response = await answer;
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('1');
    expect(response.json()).toMatchObject({ error_code: 'APIGW.0202' });
    expect(response.body).not.toContain('bootstrap');
  });
});
