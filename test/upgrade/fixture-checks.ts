import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { tokenFor } from '../cli/cli-process.js';
import { sdkSign } from '../support/sdk-signer.js';

// What a data folder or schema made by an earlier release must still serve once the current code
// has opened it: the checks the upgrade tests run on each fixture, through a real server.

/** The fixtures of release 0.1.0 (README.md there says how they were made). */
export const FIXTURE_0_1_0 = join(import.meta.dirname, '../fixtures/upgrade/0.1.0');

interface StoreFacts {
  accessKey: string;
  secretKey: string;
  /** When the fixture was made: the virtual clock is set just after, so its tasks are recent. */
  madeAt: number;
  jobs: { createInstance: string; enlarge: string; reduce: string; migration: string; performed: string };
  precheck: string;
}

export interface FixtureFacts {
  release: string;
  project: string;
  instance: string;
  schema: string;
  users: Record<'alice' | 'worker', { name: string; password: string }>;
  dataNodePassword: string;
  sqlite: StoreFacts;
  postgres: StoreFacts;
}

export const fixtureFacts = (dir = FIXTURE_0_1_0): FixtureFacts =>
  JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as FixtureFacts;

/** The server's clock a minute after the fixture was made (`--clock virtual --clock-start`). */
export const clockArgs = (facts: StoreFacts) => [
  '--clock',
  'virtual',
  '--clock-start',
  String(facts.madeAt + 60_000),
];

/**
 * Signs in as the fixture's users and reads what it holds: the list, one task, a history, a run
 * log, a request signed with its access key, and a data-node account sealed with its key file.
 */
export async function expectFixtureServed(url: string, all: FixtureFacts, facts: StoreFacts): Promise<void> {
  const project = all.project;
  const alice = await tokenFor(url, all.users.alice, project);
  const worker = await tokenFor(url, all.users.worker, project);
  const get = async (path: string, token: string) => {
    const response = await fetch(`${url}${path}`, { headers: { 'x-auth-token': token } });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  const from = facts.madeAt - 2 * 3_600_000;
  const list = await get(
    `/v3/${project}/jobs?start_time=${from}&end_time=${facts.madeAt + 60_000}&limit=20`,
    alice,
  );
  expect(list.status).toBe(200);
  const listed = list.body.jobs as { id: string; name: string; status: string }[];
  expect(Object.fromEntries(listed.map((job) => [job.id, [job.name, job.status]]))).toEqual({
    [facts.jobs.createInstance]: ['CreateInstance', 'Completed'],
    [facts.jobs.enlarge]: ['EnlargeNode', 'Running'],
    [facts.jobs.reduce]: ['ReduceNode', 'Failed'],
    [facts.jobs.migration]: ['migrateLogicDb', 'ToBeSwitched'],
    [facts.jobs.performed]: ['migrateLogicDb', 'Running'],
  });

  const shown = await get(`/v3/${project}/jobs/${facts.jobs.enlarge}`, alice);
  expect(shown.status).toBe(200);
  expect(JSON.stringify(shown.body)).toContain('"process":"70%"');

  const history = await get(`/v3/${project}/jobs/${facts.jobs.reduce}/history`, alice);
  expect(history.status).toBe(200);
  const statuses = JSON.stringify(history.body);
  expect(statuses.indexOf('Running')).toBeGreaterThan(-1);
  expect(statuses.indexOf('Failed')).toBeGreaterThan(statuses.indexOf('Running'));

  const logs = await get(
    `/v3/${project}/instance/${all.instance}/task/${facts.jobs.migration}/run-logs`,
    alice,
  );
  expect(logs.status).toBe(200);
  for (const line of ['copying data to the new shards', 'shard 3 is slower than the others'])
    expect(JSON.stringify(logs.body)).toContain(line);

  // The window the tenant set, over the one the worker recorded.
  const details = await get(
    `/v3/${project}/instances/${all.instance}/databases/db_orders/migration/jobs/${facts.jobs.migration}`,
    alice,
  );
  expect(details.status).toBe(200);
  expect(JSON.stringify(details.body)).toContain('01:00:00');

  // The access key's secret, sealed with the fixture's key file, still verifies a signature.
  const path = `/internal/v1/jobs/${facts.jobs.enlarge}`;
  const signed = sdkSign(
    { method: 'GET', path, headers: { Host: new URL(url).host } },
    { ak: facts.accessKey, sk: facts.secretKey },
    facts.madeAt + 60_000,
  );
  const bySignature = await fetch(`${url}${signed.url}`, { headers: signed.headers });
  expect(bySignature.status).toBe(200);

  // The tenant's data-node account of the shard change, sealed too, opens once for a worker.
  const accounts = await fetch(`${url}/internal/v1/shard-requests/${facts.jobs.performed}/accounts`, {
    method: 'POST',
    headers: { 'x-auth-token': worker },
  });
  expect(accounts.status).toBe(200);
  expect(await accounts.json()).toEqual({
    data_nodes: [{ id: 'dn0003in01', user: 'ddm_migrator', password: all.dataNodePassword }],
  });
  const precheck = await get(`/internal/v1/shard-requests/${facts.precheck}`, worker);
  expect(precheck.status).toBe(200);
  expect(precheck.body.request).toMatchObject({
    id: facts.precheck,
    kind: 'precheck',
    answered_at: expect.any(Number),
  });
}
