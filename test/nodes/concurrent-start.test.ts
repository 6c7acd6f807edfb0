import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { type ServeProcess, startServe, stopProcess } from '../../scripts/serve-process.js';
import { WORKER_KEY } from '../aksk/fixture.js';
import { ddmJobs, REPO, signIn, tempDirs } from '../cli/cli-process.js';
import { keepProcessLog, serveLogLevel } from '../support/run-logs.js';
import { sdkSign } from '../support/sdk-signer.js';

// Issue 17: `ddm-jobs serve` processes started at the same moment on one empty database (a
// deployment rolling out several nodes) all serve, and what they declare exists once: one first
// admin, whose password one of them prints; the bootstrap file's identities; the demo's and the
// scenario file's tasks. Real processes on the run's PostgreSQL, each in a schema of its own.

const dirs = tempDirs();
const started: ChildProcess[] = [];
const schemas: string[] = [];
const DAY = 86_400_000;
/** The scenario's task with an id of its own. */
const FIXED_TASK = '5e0c4c1e-1f7a-4c55-9a52-0d6f3b1d2a11';

afterEach(async () => {
  await Promise.all(started.splice(0).map((child) => stopProcess(child)));
  dirs.removeAll();
});
afterAll(async () => {
  const client = new pg.Client({ connectionString: process.env.DDM_JOBS_TEST_DATABASE_URL });
  await client.connect();
  try {
    for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
});

/** A schema of the run's database that does not exist yet: the empty database of a first start. */
function emptySchema(): string[] {
  const schema = `concurrent_${randomBytes(6).toString('hex')}`;
  schemas.push(schema);
  return ['--database-url', String(process.env.DDM_JOBS_TEST_DATABASE_URL), '--database-schema', schema];
}

/**
 * Spawns `count` servers at once, each with a data folder and a free port of its own, and waits
 * for every one to listen; fails with what a server printed if it exits instead.
 */
async function startTogether(count: number, args: string[], dataDirs?: string[]): Promise<ServeProcess[]> {
  const starts = Array.from({ length: count }, (_, index) =>
    startServe({
      args: [
        '--port',
        '0',
        '--data-dir',
        dataDirs?.[index] ?? dirs.make(),
        '--log-level',
        serveLogLevel(),
        ...args,
      ],
      spawned(child) {
        started.push(child);
        keepProcessLog(child, 'serve');
      },
    }),
  );
  const settled = await Promise.allSettled(starts);
  const failures = settled.flatMap((result) => (result.status === 'rejected' ? [String(result.reason)] : []));
  expect(failures).toEqual([]);
  return settled.map((result) => (result as PromiseFulfilledResult<ServeProcess>).value);
}

/** `ddm-jobs iam ARGS --output json` on the given database, which must succeed. */
async function iamJson<T>(database: string[], args: string[]): Promise<T[]> {
  const result = await ddmJobs(['iam', ...args, '--output', 'json', ...database]);
  expect([result.code, result.stderr]).toEqual([0, '']);
  return JSON.parse(result.stdout) as T[];
}

/** The ids of a project's tasks created in the last day, as a node lists them. */
async function taskIds(url: string, token: string, projectId: string): Promise<string[]> {
  const now = Date.now();
  const response = await fetch(
    `${url}/v3/${projectId}/jobs?start_time=${now - DAY}&end_time=${now + 60_000}&limit=128`,
    { headers: { 'x-auth-token': token } },
  );
  expect(response.status).toBe(200);
  const body = (await response.json()) as { total: number; jobs: { id: string }[] };
  expect(body.jobs).toHaveLength(body.total);
  return body.jobs.map((job) => job.id).sort();
}

/** A token of `user` on `projectId` from a node, which must issue it. */
async function token(
  url: string,
  user: { name: string; password: string; domain?: string },
  projectId: string,
) {
  const { status, token } = await signIn(url, user, projectId);
  expect(status).toBe(201);
  return token as string;
}

/** How many tasks a scenario file declares: each task's `count` copies (1 by default). */
function declaredTaskCount(file: string): number {
  const scenario = parseYaml(readFileSync(file, 'utf8')) as { tasks: { count?: number }[] };
  return scenario.tasks.reduce((sum, task) => sum + (task.count ?? 1), 0);
}

describe('nodes started at once on an empty database', () => {
  it('all serve; one admin exists, its password printed by one node and valid on all; the demo is recorded once', async () => {
    const database = emptySchema();
    const keyFile = join(dirs.make(), 'credential.key');
    const nodes = await startTogether(4, [...database, '--credential-key-file', keyFile]);

    const passwords = nodes.flatMap((node) => /export PASSWORD='([^']+)'/.exec(node.output())?.[1] ?? []);
    expect(passwords).toHaveLength(1);
    // The others say how to set a new password, since the first one is not shown again.
    const told = nodes.filter((node) => node.output().includes('User admin exists already'));
    expect(told).toHaveLength(3);
    expect(told[0]?.output()).toContain('ddm-jobs iam user set-password admin --password-stdin');

    const [users, projects] = await Promise.all([
      iamJson<{ name: string; domain: string }>(database, ['user', 'list']),
      iamJson<{ id: string; name: string }>(database, ['project', 'list']),
    ]);
    expect(users.map((user) => [user.name, user.domain])).toEqual([['admin', 'default']]);
    expect(projects.map((project) => project.name)).toEqual(['default']);
    const projectId = (projects[0] as { id: string }).id;

    const admin = { name: 'admin', password: passwords[0] as string };
    const demoTasks = declaredTaskCount(join(REPO, 'packages/server/scenarios/demo.yaml'));
    for (const node of nodes) {
      const ids = await taskIds(node.url, await token(node.url, admin, projectId), projectId);
      expect(ids).toHaveLength(demoTasks);
      expect(new Set(ids).size).toBe(demoTasks);
    }
  }, 60_000);

  it('all serve with one bootstrap file and one scenario: each identity, access key and task exists once', async () => {
    const database = emptySchema();
    const dir = dirs.make();
    const keyFile = join(dir, 'credential.key');
    const alice = { name: 'alice', domain: 'acme', password: randomBytes(12).toString('hex') };
    const worker = { name: 'worker', password: randomBytes(12).toString('hex') };
    const bootstrap = join(dir, 'bootstrap.yaml');
    writeFileSync(
      bootstrap,
      JSON.stringify({
        domains: [{ name: 'acme' }],
        projects: [{ name: 'default' }, { name: 'orders', domain: 'acme' }],
        users: [
          { ...alice, roles: [{ project: 'orders', roles: ['te_admin'] }] },
          {
            ...worker,
            roles: [{ project: 'default', roles: ['service'] }],
            credentials: [{ access_key: WORKER_KEY.ak, secret_key: WORKER_KEY.sk }],
          },
        ],
      }),
    );
    // Tasks without ids too: the file's tasks are recorded once however many nodes apply it.
    const scenario = join(dir, 'scenario.yaml');
    writeFileSync(
      scenario,
      [
        'project: default',
        'tasks:',
        '  - name: EnlargeNode',
        '    count: 3',
        '    every: 1m',
        '    start: -10m',
        '    steps: [{ status: Running, over: 30m }, { status: Completed }]',
        '  - name: CreateInstance',
        '    steps: [{ status: Completed }]',
        '  - name: RestartInstance',
        `    id: ${FIXED_TASK}`,
        '    steps: [{ status: Running, over: 1h }, { status: Completed }]',
      ].join('\n'),
    );
    const args = [
      ...database,
      '--credential-key-file',
      keyFile,
      '--bootstrap',
      bootstrap,
      '--scenario',
      scenario,
    ];
    const nodes = await startTogether(4, [...args, '--no-demo']);

    const [users, projects, keys, roles] = await Promise.all([
      iamJson<{ name: string; domain: string }>(database, ['user', 'list']),
      iamJson<{ id: string; name: string }>(database, ['project', 'list']),
      iamJson<{ access_key: string; user: string }>(database, ['credentials', 'list']),
      iamJson<{ user: string; role: string }>(database, ['role', 'list']),
    ]);
    expect(users.map((user) => `${user.name}@${user.domain}`).sort()).toEqual([
      'alice@acme',
      'worker@default',
    ]);
    expect(projects.map((project) => project.name).sort()).toEqual(['default', 'orders']);
    expect(keys.map((key) => [key.access_key, key.user])).toEqual([[WORKER_KEY.ak, 'worker']]);
    expect(roles.map((grant) => `${grant.user}:${grant.role}`).sort()).toEqual([
      'alice:te_admin',
      'worker:service',
    ]);

    const defaultProject = (projects.find((project) => project.name === 'default') as { id: string }).id;
    const orders = (projects.find((project) => project.name === 'orders') as { id: string }).id;
    for (const node of nodes) {
      const ids = await taskIds(node.url, await token(node.url, worker, defaultProject), defaultProject);
      expect(ids).toHaveLength(5);
      expect(ids).toContain(FIXED_TASK);
      expect(await taskIds(node.url, await token(node.url, alice, orders), orders)).toEqual([]);
      // The access key, sealed by whichever node applied the file, opens on every node.
      const path = `/internal/v1/jobs/${FIXED_TASK}`;
      const request = sdkSign(
        { method: 'GET', path, headers: { Host: new URL(node.url).host } },
        WORKER_KEY,
        Date.now(),
      );
      const signed = await fetch(`${node.url}${request.url}`, { headers: request.headers });
      expect(signed.status).toBe(200);
    }
  }, 60_000);

  it('two processes on one SQLite data folder at once both serve, with one admin', async () => {
    const dataDir = dirs.make();
    const nodes = await startTogether(2, [], [dataDir, dataDir]);
    const passwords = nodes.flatMap((node) => /export PASSWORD='([^']+)'/.exec(node.output())?.[1] ?? []);
    expect(passwords).toHaveLength(1);
    const users = await iamJson<{ name: string }>(['--data-dir', dataDir], ['user', 'list']);
    expect(users.map((user) => user.name)).toEqual(['admin']);
    for (const node of nodes) {
      const { status } = await signIn(node.url, { name: 'admin', password: passwords[0] as string });
      expect(status).toBe(201);
    }
  }, 60_000);
});
