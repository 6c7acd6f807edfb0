import { copyFileSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { sdkSign } from '../support/sdk-signer.js';
import { ADMIN_PASSWORD, ddmJobs, iam, servers, signIn, signInAdmin, tempDirs } from './cli-process.js';

// `ddm-jobs backup` while a real server records tasks as fast as a producer sends them over
// HTTP, then a restore as docs/backup.md describes it (stop, put the copy in place as
// ddm-jobs.sqlite with the credential key file, start), and the refusals.

const dirs = tempDirs();
const running = servers();
afterEach(async () => {
  await running.stopAll();
  dirs.removeAll();
});

/** A producer recording tasks one after another until stopped; the ids acknowledged (201), in order. */
function producer(url: string, token: string, projectId: string) {
  const acknowledged: string[] = [];
  let stopped = false;
  const loop = (async () => {
    for (let n = 0; !stopped; n++) {
      const response = await fetch(`${url}/internal/v1/jobs`, {
        method: 'POST',
        headers: { 'x-auth-token': token, 'content-type': 'application/json' },
        body: JSON.stringify({
          project_id: projectId,
          name: 'EnlargeNode',
          instance_id: 'inst0001',
          instance_name: `node-${n}`,
        }),
      });
      const body = (await response.json()) as { job: { id: string } };
      if (response.status !== 201) throw new Error(`recording: ${response.status} ${JSON.stringify(body)}`);
      acknowledged.push(body.job.id);
    }
  })();
  return {
    acknowledged,
    async stop() {
      stopped = true;
      await loop;
    },
  };
}

const idsIn = (file: string) => {
  const db = new BetterSqlite3(file, { readonly: true });
  try {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    return new Set(db.prepare('SELECT id FROM jobs').pluck().all() as string[]);
  } finally {
    db.close();
  }
};

describe('ddm-jobs backup and a restore', () => {
  it('copies every task acknowledged before it began while the server writes; the copy serves them, with the key file', async () => {
    const data = dirs.make();
    const server = await running.start(data);
    const { token, projectId } = await signInAdmin(server.url);
    const created = await iam(data, ['credentials', 'create', '--user', 'admin']);
    const ak = /access key: (\S+)/.exec(created)?.[1] as string;
    const sk = /secret key \(shown this once\): (\S+)/.exec(created)?.[1] as string;

    const writes = producer(server.url, token, projectId);
    while (writes.acknowledged.length < 200) await new Promise((resolve) => setTimeout(resolve, 10));
    const before = [...writes.acknowledged];
    const file = join(dirs.make(), 'ddm-jobs-backup.sqlite');
    const backup = await ddmJobs(['backup', '--data-dir', data, file]);
    const during = writes.acknowledged.length;
    await writes.stop();

    expect([backup.code, backup.stderr]).toEqual([0, '']);
    expect(backup.stdout).toMatch(
      /^Backed up .* to .*: \d+ pages \(\d+\.\d MiB\), schema version \d+, integrity ok\n/,
    );
    expect(backup.stdout).toContain('Back up the credential key file too');
    // Readable by its owner only: it holds password hashes and sealed secrets.
    expect(statSync(file).mode & 0o077).toBe(0);
    const copied = idsIn(file);
    expect(before.filter((id) => !copied.has(id))).toEqual([]);
    // The server kept writing: what it acknowledged after the copy began may or may not be in it.
    expect(writes.acknowledged.length).toBeGreaterThanOrEqual(during);
    await running.stopAll();

    // The restore: the copy as ddm-jobs.sqlite of a folder, the key file beside it.
    const restored = dirs.make();
    copyFileSync(file, join(restored, 'ddm-jobs.sqlite'));
    copyFileSync(join(data, 'credential.key'), join(restored, 'credential.key'));
    const again = await running.start(restored);
    const admin = await signInAdmin(again.url);
    expect(admin.projectId).toBe(projectId);
    for (const id of [before[0], before.at(-1)]) {
      const shown = await fetch(`${again.url}/v3/${projectId}/jobs/${id}`, {
        headers: { 'x-auth-token': admin.token },
      });
      expect(shown.status).toBe(200);
    }
    const signedGet = (url: string) => {
      const request = sdkSign(
        { method: 'GET', path: `/internal/v1/jobs/${before[0]}`, headers: { Host: new URL(url).host } },
        { ak, sk },
        Date.now(),
      );
      return fetch(`${url}${request.url}`, { headers: request.headers });
    };
    expect((await signedGet(again.url)).status).toBe(200);

    // Without the key file, passwords still sign in, but no access key's secret opens.
    const keyless = dirs.make();
    copyFileSync(file, join(keyless, 'ddm-jobs.sqlite'));
    const withoutKey = await running.start(keyless);
    expect((await signIn(withoutKey.url, { name: 'admin', password: ADMIN_PASSWORD })).status).toBe(201);
    expect((await signedGet(withoutKey.url)).status).toBe(401);
  });

  it('refuses to replace an existing file without --force, and replaces it with', async () => {
    const data = dirs.make();
    expect((await ddmJobs(['migrate', '--data-dir', data])).code).toBe(0);
    const file = join(dirs.make(), 'kept.sqlite');
    writeFileSync(file, 'an earlier backup');
    const refused = await ddmJobs(['backup', '--data-dir', data, file]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(
      `ddm-jobs: ${file} exists: name another file, or add --force to replace it.\n`,
    );
    expect(readFileSync(file, 'utf8')).toBe('an earlier backup');
    const forced = await ddmJobs(['backup', '--data-dir', data, '--force', file]);
    expect(forced.code).toBe(0);
    expect(idsIn(file).size).toBe(0);
  });

  it('reads DDM_JOBS_DATA_DIR, and fails with exit 1 on a folder without a database, writing nothing', async () => {
    const empty = dirs.make();
    const file = join(dirs.make(), 'backup.sqlite');
    const result = await ddmJobs(['backup', file], { env: { DDM_JOBS_DATA_DIR: empty } });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`ddm-jobs: no database in ${empty} (no ddm-jobs.sqlite there)\n`);
    expect(existsSync(file)).toBe(false);
  });

  it('refuses a PostgreSQL setting with exit 2, pointing at pg_dump, without repeating the URL', async () => {
    const file = join(dirs.make(), 'backup.sqlite');
    const result = await ddmJobs(['backup', file], {
      env: { DDM_JOBS_DATABASE_URL: 'postgres://ddm:pa55-w0rd@db/ddm' },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('is backed up with pg_dump: see docs/backup.md');
    expect(result.stderr).not.toContain('pa55-w0rd');
    expect(existsSync(file)).toBe(false);
  });
});
