import { createHash } from 'node:crypto';
import { copyFileSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../packages/server/src/store/sqlite/migrations.js';
import { ddmJobs, servers, tempDirs } from '../cli/cli-process.js';
import { clockArgs, expectFixtureServed, FIXTURE_0_1_0, fixtureFacts } from './fixture-checks.js';

// A data folder made by release 0.1.0 (test/fixtures/upgrade/0.1.0), opened by this code as an
// operator upgrades: the new release started on the old folder, which it migrates forward; and a
// folder from a release newer than this code, which it refuses, leaving the file as it was.

const dirs = tempDirs();
const running = servers();
const facts = fixtureFacts();
const LATEST = Math.max(...MIGRATIONS.map((migration) => migration.version));

afterEach(async () => {
  await running.stopAll();
  dirs.removeAll();
});

/** A copy of the fixture's data folder, with its credential key file beside the database. */
function copyOfFixture(): string {
  const dir = dirs.make();
  copyFileSync(join(FIXTURE_0_1_0, 'sqlite', 'ddm-jobs.sqlite'), join(dir, 'ddm-jobs.sqlite'));
  copyFileSync(join(FIXTURE_0_1_0, 'credential.key'), join(dir, 'credential.key'));
  return dir;
}

const versionsIn = (file: string) => {
  const db = new BetterSqlite3(file, { readonly: true });
  try {
    return db.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all() as number[];
  } finally {
    db.close();
  }
};

const digest = (dir: string) =>
  Object.fromEntries(
    readdirSync(dir).map((name) => [
      name,
      createHash('sha256')
        .update(readFileSync(join(dir, name)))
        .digest('hex'),
    ]),
  );

describe('a SQLite data folder of release 0.1.0', () => {
  it('is migrated forward and served: sign-in, list, show, history, run log, access key, sealed account', async () => {
    const dir = copyOfFixture();
    const server = await running.start(dir, clockArgs(facts.sqlite));
    await expectFixtureServed(server.url, facts, facts.sqlite);
    expect(versionsIn(join(dir, 'ddm-jobs.sqlite')).at(-1)).toBe(LATEST);
  });

  it('is migrated by `ddm-jobs migrate` alone, as a deployment does before it starts the server', async () => {
    const dir = copyOfFixture();
    const result = await ddmJobs(['migrate', '--data-dir', dir]);
    expect([result.code, result.stderr]).toEqual([0, '']);
    expect(versionsIn(join(dir, 'ddm-jobs.sqlite')).at(-1)).toBe(LATEST);
  });
});

describe('a SQLite data folder of a newer release', () => {
  /** The fixture as a release with one migration more would leave it. */
  function fromTheFuture(): string {
    const dir = copyOfFixture();
    const db = new BetterSqlite3(join(dir, 'ddm-jobs.sqlite'));
    db.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(LATEST + 1, 'from_a_newer_release', 0);
    db.close();
    return dir;
  }

  it('stops `serve` with exit 1, naming both schema versions, and changes nothing', async () => {
    const dir = fromTheFuture();
    const before = digest(dir);
    const result = await ddmJobs(['serve', '--port', '0', '--no-demo', '--data-dir', dir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `ddm-jobs: the database ${join(dir, 'ddm-jobs.sqlite')} is at schema version ${LATEST + 1}, newer than this release of ddm-jobs knows (schema version ${LATEST})`,
    );
    expect(result.stderr).toContain('Run that release (or a later one) on it; downgrades are not supported');
    expect(result.stdout).not.toContain('listening');
    expect(digest(dir)).toEqual(before);
  });

  it('stops `migrate` and `iam` the same way', async () => {
    const dir = fromTheFuture();
    const before = digest(dir);
    for (const args of [['migrate'], ['iam', 'user', 'list']]) {
      const result = await ddmJobs([...args, '--data-dir', dir]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`is at schema version ${LATEST + 1}`);
    }
    expect(digest(dir)).toEqual(before);
  });
});
