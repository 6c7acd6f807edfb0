import { execFileSync } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../packages/server/src/store/postgres/migrations.js';
import { ddmJobs, servers, tempDirs } from '../cli/cli-process.js';
import { TEST_DATABASE_URL } from '../support/stores.js';
import { clockArgs, expectFixtureServed, FIXTURE_0_1_0, fixtureFacts } from './fixture-checks.js';

// A PostgreSQL schema made by release 0.1.0, kept as the plain SQL dump that `pg_dump --schema`
// made of it (test/fixtures/upgrade/0.1.0/postgres.sql), restored with psql into a database of
// its own as docs/backup.md tells operators to restore, then served by this code, which migrates
// it forward. And a schema of a newer release, refused without a change.

const dirs = tempDirs();
const running = servers();
const facts = fixtureFacts();
const LATEST = Math.max(...MIGRATIONS.map((migration) => migration.version));
const databases: string[] = [];

/** A statement on the run's server, outside the test databases. */
async function onServer(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A new, empty database on the run's server; its URL. */
async function newDatabase(): Promise<string> {
  const name = `ddm_jobs_upgrade_${databases.length}_${process.pid}`;
  await onServer(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await onServer(`CREATE DATABASE ${name}`);
  databases.push(name);
  const url = new URL(TEST_DATABASE_URL as string);
  url.pathname = `/${name}`;
  return url.toString();
}

/** The fixture's dump restored as docs/backup.md says: `psql --set ON_ERROR_STOP=1 --single-transaction --file DUMP URL`. */
async function restoredFixture(): Promise<string> {
  const url = await newDatabase();
  execFileSync(
    'psql',
    [
      '--quiet',
      '--set',
      'ON_ERROR_STOP=1',
      '--single-transaction',
      '--file',
      join(FIXTURE_0_1_0, 'postgres.sql'),
      url,
    ],
    {
      stdio: 'pipe',
    },
  );
  return url;
}

async function versionsIn(url: string): Promise<number[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ version: number }>(
      `SELECT version FROM ${client.escapeIdentifier(facts.schema)}.schema_migrations ORDER BY version`,
    );
    return rows.map((row) => row.version);
  } finally {
    await client.end();
  }
}

/** `--database-url URL --database-schema S --credential-key-file` a copy of the fixture's key. */
function databaseArgs(url: string): string[] {
  const key = join(dirs.make(), 'credential.key');
  copyFileSync(join(FIXTURE_0_1_0, 'credential.key'), key);
  return ['--database-url', url, '--database-schema', facts.schema, '--credential-key-file', key];
}

afterEach(async () => {
  await running.stopAll();
  dirs.removeAll();
});
afterAll(async () => {
  for (const name of databases.splice(0)) await onServer(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
});

describe.skipIf(!TEST_DATABASE_URL)('a PostgreSQL schema of release 0.1.0', () => {
  it('restored from its pg_dump, is migrated forward and served with the same key file', async () => {
    const url = await restoredFixture();
    const server = await running.start(dirs.make(), [...databaseArgs(url), ...clockArgs(facts.postgres)]);
    await expectFixtureServed(server.url, facts, facts.postgres);
    expect((await versionsIn(url)).at(-1)).toBe(LATEST);
  });
});

describe.skipIf(!TEST_DATABASE_URL)('a PostgreSQL schema of a newer release', () => {
  it('stops `serve` and `migrate` with exit 1, naming both schema versions, and changes nothing', async () => {
    const url = await restoredFixture();
    const migrated = await ddmJobs(['migrate', '--database-url', url, '--database-schema', facts.schema]);
    expect(migrated.code).toBe(0);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(
      `INSERT INTO ${client.escapeIdentifier(facts.schema)}.schema_migrations VALUES ($1, 'from_a_newer_release', 0)`,
      [LATEST + 1],
    );
    await client.end();
    const before = await versionsIn(url);

    const serve = await ddmJobs([
      'serve',
      '--port',
      '0',
      '--no-demo',
      '--data-dir',
      dirs.make(),
      ...databaseArgs(url),
    ]);
    expect(serve.code).toBe(1);
    expect(serve.stderr).toContain(
      `the database is at schema version ${LATEST + 1}, newer than this release of ddm-jobs knows (schema version ${LATEST})`,
    );
    expect(serve.stdout).not.toContain('listening');
    const migrate = await ddmJobs(['migrate', '--database-url', url, '--database-schema', facts.schema]);
    expect(migrate.code).toBe(1);
    expect(migrate.stderr).toContain(`is at schema version ${LATEST + 1}`);
    expect(await versionsIn(url)).toEqual(before);
  });
});
