import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sdkSign } from '../support/sdk-signer.js';
import { ADMIN_PASSWORD, ddmJobs, listJobs, REPO, servers, tempDirs, tokenFor } from './cli-process.js';

// `ddm-jobs migrate` and `ddm-jobs serve --database-url` as real processes on PostgreSQL (the
// run's cluster, see test/support/postgres-cluster.ts), in a database of their own: two nodes on
// one database, as behind a load balancer.

const dirs = tempDirs();
const running = servers();
const admin = { name: 'admin', password: ADMIN_PASSWORD };
// The documented example file declares a pair for its producer, ddm-worker (role service).
const EXAMPLE = join(REPO, 'docs/bootstrap.example.yaml');
const TENANT_A = '619d3e78f61b4be68bc5aa0b59edcf7b';
const WORKER = { ak: 'HPUAEXAMPLEAK0000001', sk: 'exampleSecretKey0123456789abcdefghijklmn' };

let database = '';
let databaseUrl = '';

/** A statement on the run's server, outside the test database. */
async function onServer<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []) {
  const client = new pg.Client({ connectionString: process.env.DDM_JOBS_TEST_DATABASE_URL });
  await client.connect();
  try {
    return await client.query<T>(sql, params);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  database = `ddm_jobs_cli_${randomBytes(6).toString('hex')}`;
  await onServer(`CREATE DATABASE ${database}`);
  const url = new URL(String(process.env.DDM_JOBS_TEST_DATABASE_URL));
  url.pathname = `/${database}`;
  databaseUrl = url.toString();
});
afterEach(async () => {
  await running.stopAll();
  dirs.removeAll();
});
afterAll(async () => {
  if (database) await onServer(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
});

/** The tables of a schema in the test database. */
async function tablesIn(schema: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ table_name: string }>(
      'SELECT table_name FROM information_schema.tables WHERE table_schema = $1',
      [schema],
    );
    return rows.map((row) => row.table_name);
  } finally {
    await client.end();
  }
}

describe('ddm-jobs migrate', () => {
  it('migrates the database of --database-url, and again finds nothing to do (exit 0)', async () => {
    const first = await ddmJobs(['migrate', '--database-url', databaseUrl]);
    expect([first.code, first.stderr]).toEqual([0, '']);
    expect(first.stdout).toMatch(
      new RegExp(`^Migrated: PostgreSQL ${databaseUrl} is up to date \\(applied 1(, \\d+)*\\)\n$`),
    );
    const again = await ddmJobs(['migrate', '--database-url', databaseUrl]);
    expect([again.code, again.stdout]).toEqual([
      0,
      `Migrated: PostgreSQL ${databaseUrl} is up to date (nothing pending)\n`,
    ]);
    expect((await tablesIn('public')).length).toBeGreaterThan(0);
  });

  it('reads DDM_JOBS_DATABASE_URL and DDM_JOBS_DATABASE_SCHEMA, and puts the tables in that schema', async () => {
    const result = await ddmJobs(['migrate'], {
      env: { DDM_JOBS_DATABASE_URL: databaseUrl, DDM_JOBS_DATABASE_SCHEMA: 'ddm_env' },
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('(schema ddm_env) is up to date');
    expect(await tablesIn('ddm_env')).toEqual(expect.arrayContaining(await tablesIn('public')));
  });

  it('migrates the SQLite file of --data-dir without --database-url', async () => {
    const dir = dirs.make();
    const result = await ddmJobs(['migrate', '--data-dir', dir]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`Migrated: SQLite ${join(dir, 'ddm-jobs.sqlite')} is up to date\n`);
  });

  it('fails with exit 1 and one line when the database cannot be reached, the password hidden', async () => {
    const unreachable = 'postgres://ddm:pa55-w0rd@127.0.0.1:1/ddm';
    const result = await ddmJobs(['migrate', '--database-url', unreachable]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^ddm-jobs: cannot open the database PostgreSQL postgres:\/\/ddm:\*\*\*@127\.0\.0\.1:1\/ddm: .*ECONNREFUSED.*\n$/,
    );
    expect(result.stdout + result.stderr).not.toContain('pa55-w0rd');
  });

  it('fails with exit 1 for a database that does not exist, naming it', async () => {
    const missing = new URL(databaseUrl);
    missing.pathname = '/ddm_jobs_no_such_database';
    const result = await ddmJobs(['migrate', '--database-url', missing.toString()]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('database "ddm_jobs_no_such_database" does not exist');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('refuses a URL that is not PostgreSQL’s with exit 2, without repeating it', async () => {
    const result = await ddmJobs(['migrate', '--database-url', 'mysql://ddm:pa55-w0rd@db/ddm']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('must be a postgres:// or postgresql:// URL');
    expect(result.stderr).not.toContain('pa55-w0rd');
  });
});

describe('ddm-jobs serve --database-url', () => {
  it('serves from PostgreSQL: a task recorded through one node is listed by a second at once', async () => {
    const migrated = await ddmJobs([
      'migrate',
      '--database-url',
      databaseUrl,
      '--database-schema',
      'two_nodes',
    ]);
    expect(migrated.code).toBe(0);
    const database = ['--database-url', databaseUrl, '--database-schema', 'two_nodes'];
    // Nodes on other machines have data folders of their own, but share the credential key.
    const keyFile = join(dirs.make(), 'credential.key');
    const shared = [...database, '--credential-key-file', keyFile];
    const first = await running.start(dirs.make(), shared);
    expect(first.output()).toContain(`Store: PostgreSQL ${databaseUrl} (schema two_nodes)`);

    const projects = await ddmJobs(['iam', 'project', 'list', '--output', 'json', ...database]);
    expect(projects.code).toBe(0);
    const [project] = JSON.parse(projects.stdout) as { id: string; name: string }[];
    if (project?.name !== 'default') throw new Error(`no project default: ${projects.stdout}`);
    const token = await tokenFor(first.url, admin, project.id);
    const recorded = await fetch(`${first.url}/internal/v1/jobs`, {
      method: 'POST',
      headers: { 'x-auth-token': token, 'content-type': 'application/json' },
      body: JSON.stringify({
        project_id: project.id,
        name: 'EnlargeNode',
        instance_id: 'inst0001',
        instance_name: 'ddm-two-nodes',
      }),
    });
    expect(recorded.status).toBe(201);
    const { job } = (await recorded.json()) as { job: { id: string } };
    const onFirst = await listJobs(first.url, project.id, token);
    expect(onFirst.status).toBe(200);
    expect((onFirst.body.jobs as { id: string }[]).map((j) => j.id)).toEqual([job.id]);

    const second = await running.start(dirs.make(), shared);
    // The first node's token, and a sign-in on the second: any node verifies any token.
    const onSecond = await listJobs(second.url, project.id, token);
    expect(onSecond.status).toBe(200);
    expect(onSecond.body).toEqual(onFirst.body);
    const own = await tokenFor(second.url, admin, project.id);
    expect((await listJobs(first.url, project.id, own)).body).toEqual(onFirst.body);
  });

  it('verifies an access key on either node when the nodes share the credential key file', async () => {
    const database = ['--database-url', databaseUrl, '--database-schema', 'signed_nodes'];
    const keyFile = join(dirs.make(), 'credential.key');
    const shared = [...database, '--credential-key-file', keyFile, '--bootstrap', EXAMPLE];
    const nodes = [await running.start(dirs.make(), shared), await running.start(dirs.make(), shared)];
    const id = '0b0c0d0e-0000-4000-8000-0000000000ba';
    const signed = (url: string, method: string, path: string, body?: string) => {
      const request = sdkSign(
        { method, path, headers: { Host: new URL(url).host }, ...(body ? { body } : {}) },
        WORKER,
        Date.now(),
      );
      return fetch(`${url}${request.url}`, { method, headers: request.headers, ...(body ? { body } : {}) });
    };
    const [one, two] = nodes.map((node) => node.url) as [string, string];
    const body = JSON.stringify({
      id,
      project_id: TENANT_A,
      name: 'createInstance',
      instance_id: 'i1',
      instance_name: 'n1',
    });
    expect((await signed(one, 'POST', '/internal/v1/jobs', body)).status).toBe(201);
    const read = await signed(two, 'GET', `/internal/v1/jobs/${id}`);
    expect(read.status).toBe(200);
    expect(((await read.json()) as { job: { id: string } }).job.id).toBe(id);
  });

  it('never prints the password of the URL', async () => {
    const withPassword = new URL(databaseUrl);
    withPassword.password = 'pa55-w0rd';
    const server = await running.start(dirs.make(), ['--database-url', withPassword.toString()]);
    withPassword.password = '***';
    expect(server.output()).toContain(`Store: PostgreSQL ${withPassword}`);
    expect(server.output()).not.toContain('pa55-w0rd');
  });
});
