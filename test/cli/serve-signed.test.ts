import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sdkSign } from '../support/sdk-signer.js';
import { REPO, servers, tempDirs } from './cli-process.js';

// The documented example file declares a pair for its producer, ddm-worker (role service).
const EXAMPLE = join(REPO, 'docs/bootstrap.example.yaml');
const TENANT_A = '619d3e78f61b4be68bc5aa0b59edcf7b';
const WORKER = { ak: 'HPUAEXAMPLEAK0000001', sk: 'exampleSecretKey0123456789abcdefghijklmn' };

const dirs = tempDirs();
const running = servers();
afterEach(async () => {
  await running.stopAll();
  dirs.removeAll();
});

async function signedFetch(url: string, request: Parameters<typeof sdkSign>[0], key = WORKER) {
  const signed = sdkSign({ ...request, headers: { Host: new URL(url).host } }, key, Date.now());
  const response = await fetch(`${url}${signed.url}`, {
    method: request.method,
    headers: signed.headers,
    ...(request.body === undefined ? {} : { body: request.body }),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

describe('ddm-jobs serve with access keys, over HTTP', () => {
  it('records and reads a task with a signed body, and refuses a wrong secret key', async () => {
    const { url } = await running.start(dirs.make(), ['--bootstrap', EXAMPLE]);
    const id = '0b0c0d0e-0000-4000-8000-0000000000aa';
    const body = JSON.stringify({
      id,
      project_id: TENANT_A,
      name: 'createInstance',
      instance_id: 'i1',
      instance_name: 'n1',
    });
    const created = await signedFetch(url, { method: 'POST', path: '/internal/v1/jobs', body });
    expect(created.status).toBe(201);
    const read = await signedFetch(url, { method: 'GET', path: `/internal/v1/jobs/${id}` });
    expect((read.body.job as { id: string }).id).toBe(id);
    const wrong = await signedFetch(
      url,
      { method: 'GET', path: `/internal/v1/jobs/${id}` },
      { ...WORKER, sk: 'x'.repeat(40) },
    );
    expect([wrong.status, wrong.body.error_code]).toEqual([401, 'APIGW.0301']);
  });

  it("throttles a worker at --service-rate-limit, not at the tenants' --rate-limit, with Retry-After", async () => {
    const { url } = await running.start(dirs.make(), [
      '--bootstrap',
      EXAMPLE,
      '--rate-limit',
      '2',
      '--service-rate-limit',
      '3',
    ]);
    const path = `/internal/v1/jobs/0b0c0d0e-0000-4000-8000-0000000000ab`;
    // At once: the worker's bucket holds one second's worth, 3, so ten requests cannot all pass,
    // and at least three do, more than a tenant's limit would let through.
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => signedFetch(url, { method: 'GET', path })),
    );
    expect(answers.filter((a) => a.status === 404).length).toBeGreaterThanOrEqual(3);
    const throttled = answers.find((a) => a.status === 429);
    expect(throttled?.body.error_code).toBe('APIGW.0308');
    expect(Number(throttled?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });
});
