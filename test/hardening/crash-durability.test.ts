import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { type CrashTestResult, runCrashTest } from '../../scripts/crash-test/crash-cycles.js';
import { checkSqlite } from '../../scripts/crash-test/integrity.js';
import {
  freePort,
  killServe,
  PROJECT_ID,
  startServe,
  WRITER,
  writeBootstrap,
} from '../../scripts/crash-test/server-process.js';
import { verifyJournal } from '../../scripts/crash-test/verify-journal.js';
import { passwordToken } from '../../scripts/password-token.js';

// The short form of `npm run crash-test` (scripts/crash-test/): a writer process records and
// reports tasks at full speed while the built `ddm-jobs serve` is killed with SIGKILL 3 times and
// restarted on the same data; every acknowledged write must then be found through the API, and
// the database must pass its integrity check. PostgreSQL runs on this run's cluster (its
// globalSetup); the kills hit the ddm-jobs process, not the database server.

const KILLS = 3;
const CYCLE_TIMEOUT_MS = 240_000;

function expectDurable(result: CrashTestResult) {
  expect(result.problems).toEqual([]);
  expect(result.integrity.checks.filter((c) => !c.ok)).toEqual([]);
  expect(result).toMatchObject({ cycles: KILLS, lost: 0, ok: true });
  expect(result.checked).toBe(result.acknowledged);
  // The kills came while writes were flowing: otherwise the test proved nothing.
  expect(result.perCycle.filter((c) => c.acknowledged > 0).length).toBeGreaterThanOrEqual(KILLS - 1);
  expect(result.acknowledged).toBeGreaterThan(KILLS * 10);
}

describe('crash durability: SIGKILL while a separate process writes at full speed', () => {
  it(
    `SQLite: after ${KILLS} kills every acknowledged write is present and the file passes its checks`,
    async () =>
      expectDurable(await runCrashTest({ database: 'sqlite', kills: KILLS, minSeconds: 1, maxSeconds: 2 })),
    CYCLE_TIMEOUT_MS,
  );

  it(
    `PostgreSQL: after ${KILLS} kills every acknowledged write is present and amcheck finds no corruption`,
    async () =>
      expectDurable(
        await runCrashTest({
          database: 'postgres',
          databaseUrl: process.env.DDM_JOBS_TEST_DATABASE_URL,
          kills: KILLS,
          minSeconds: 1,
          maxSeconds: 2,
        }),
      ),
    CYCLE_TIMEOUT_MS,
  );
});

// The checks above must be able to fail: a journal claiming a write the store lacks is reported
// lost, and a count table or feed out of step with the jobs table fails the integrity check.
describe('the crash test’s checks catch what they look for', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('counts acknowledged writes the store does not hold as lost, and a task found in another state', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ddm-jobs-crash-check-'));
    dirs.push(dataDir);
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const server = await startServe({ dataDir }, port, writeBootstrap(dataDir));
    try {
      const token = await passwordToken(url, WRITER, PROJECT_ID);
      const write = (method: string, path: string, body: unknown) =>
        fetch(`${url}${path}`, {
          method,
          headers: { 'x-auth-token': token, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      const stored = randomUUID();
      const created = await write('POST', '/internal/v1/jobs', {
        id: stored,
        project_id: PROJECT_ID,
        name: 'CreateInstance',
        instance_id: 'check1',
        instance_name: 'check-1',
      });
      expect(created.status).toBe(201);
      expect((await write('PATCH', `/internal/v1/jobs/${stored}`, { progress: 1 })).status).toBe(200);
      const offLife = randomUUID();
      await write('POST', '/internal/v1/jobs', {
        id: offLife,
        project_id: PROJECT_ID,
        name: 'CreateInstance',
        instance_id: 'check2',
        instance_name: 'check-2',
      });
      // Version 2 of the life is progress 1; this task is at version 2 with progress 50.
      expect((await write('PATCH', `/internal/v1/jobs/${offLife}`, { progress: 50 })).status).toBe(200);

      const journal = join(dataDir, 'journal.txt');
      writeFileSync(
        journal,
        [
          `${stored} 1 Running 0`,
          `${stored} 2 Running 1`,
          // Acknowledged, say, but never stored: two writes past the stored version 2.
          `${stored} 3 Running 2`,
          `${stored} 4 Running 3`,
          `${randomUUID()} 1 Running 0`,
          `${offLife} 1 Running 0`,
          '',
        ].join('\n'),
      );
      const verified = await verifyJournal(url, token, journal);
      expect(verified).toMatchObject({ writes: 6, checked: 6, tasksChecked: 3, lost: 4 });
      expect(verified.problems).toHaveLength(3);
    } finally {
      await killServe(server);
    }

    expect(checkSqlite(dataDir).ok).toBe(true);
    const db = new Database(join(dataDir, 'ddm-jobs.sqlite'));
    db.prepare("UPDATE job_status_counts SET n = n + 1 WHERE status = 'Running'").run();
    db.prepare('DELETE FROM job_events WHERE seq = (SELECT max(seq) FROM job_events)').run();
    db.close();
    const failed = checkSqlite(dataDir).checks.filter((c) => !c.ok);
    expect(failed.map((c) => c.name)).toEqual([
      'job_status_counts equal the jobs table',
      'one feed entry per task version',
    ]);
  }, 60_000);
});
