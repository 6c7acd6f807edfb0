import { randomBytes } from 'node:crypto';
import { copyFileSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CREDENTIAL_KEY_FILE } from '@ddm-jobs/server';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  ADMIN_PASSWORD,
  ddmJobs,
  REPO,
  servers,
  signInAdmin,
  tempDirs,
  tokenFor,
} from '../cli/cli-process.js';

/**
 * `ddm-jobs emulator save FILE` and `ddm-jobs serve --emulator --snapshot FILE` as real processes,
 * on the project's database (a fresh PostgreSQL database for each server in the postgres
 * project): a state saved, its server stopped, another started from the file answers every list
 * page, show, history, run log and feed page as the saved one did, and plays on from there.
 */

const HEALTHY = join(REPO, 'scenarios/healthy-migration.yaml');
const MIGRATION = '6f1d2c3b-4a59-4e87-b6d5-c4b3a2918071';
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

const dirs = tempDirs();
const running = servers();
const databases: string[] = [];
afterEach(async () => {
  await running.stopAll();
  dirs.removeAll();
});
afterAll(async () => {
  for (const name of databases.splice(0)) await onCluster(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
});

async function onCluster(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: process.env.DDM_JOBS_TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** The database options of a new server: its own PostgreSQL database in the postgres project. */
async function databaseArgs(): Promise<string[]> {
  if (process.env.DDM_JOBS_TEST_STORE !== 'postgres') return [];
  const name = `ddm_jobs_snapshot_${randomBytes(6).toString('hex')}`;
  await onCluster(`CREATE DATABASE ${name}`);
  databases.push(name);
  const url = new URL(String(process.env.DDM_JOBS_TEST_DATABASE_URL));
  url.pathname = `/${name}`;
  return ['--database-url', url.toString()];
}

/** A client of one server with one token: text answers, so that "identical" means byte for byte. */
function caller(url: string, token: string) {
  return async (method: string, path: string, body?: unknown): Promise<string> => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { 'x-auth-token': token, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return `${response.status} ${await response.text()}`;
  };
}

/** Every read of the project a tenant and a worker make: list pages, shows, histories, logs, feed pages. */
async function reads(url: string, token: string, projectId: string, ids: string[]) {
  const call = caller(url, token);
  const now = JSON.parse((await call('GET', '/internal/v1/clock')).slice(4)).now as number;
  const answers: Record<string, string> = {};
  for (const offset of [0, 2, 4])
    answers[`list ${offset}`] = await call(
      'GET',
      `/v3/${projectId}/jobs?start_time=${now - DAY}&end_time=${now}&offset=${offset}&limit=2`,
    );
  for (const id of ids) {
    answers[`show ${id}`] = await call('GET', `/v3/${projectId}/jobs/${id}`);
    answers[`history ${id}`] = await call('GET', `/v3/${projectId}/jobs/${id}/history`);
  }
  answers.logs = await call(
    'GET',
    `/v3/${projectId}/instance/inst0001/task/${ids[0]}/run-logs?offset=0&limit=10`,
  );
  for (const after of [0, 3])
    answers[`feed ${after}`] = await call('GET', `/internal/v1/events?after=${after}&limit=4`);
  return answers;
}

/** An emulator on a virtual clock playing the healthy migration, with tasks, progress and run logs. */
async function savedEmulator() {
  const dataDir = dirs.make();
  const server = await running.start(dataDir, [
    '--emulator',
    '--clock',
    'virtual',
    '--clock-start',
    '2026-01-01T05:00:00Z',
    '--scenario',
    HEALTHY,
    ...(await databaseArgs()),
  ]);
  const { token, projectId } = await signInAdmin(server.url);
  const call = caller(server.url, token);
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) {
    const created = await call('POST', '/internal/v1/jobs', {
      project_id: projectId,
      name: 'EnlargeNode',
      instance_id: 'inst0001',
      instance_name: 'orders',
    });
    ids.push(JSON.parse(created.slice(4)).job.id);
  }
  expect(await call('PATCH', `/internal/v1/jobs/${ids[0]}`, { progress: 40 })).toMatch(/^200 /);
  expect(
    await call('POST', `/internal/v1/jobs/${ids[0]}/logs`, { logs: [{ level: 'INFO', message: 'copying' }] }),
  ).toMatch(/^201 /);
  // Half-way through the migration's copy: its simulation is under way when saved.
  await call('POST', '/internal/v1/clock', { advance_ms: 5 * MINUTE });
  return { server, dataDir, token, projectId, ids: [...ids, MIGRATION] };
}

const adminFlags = (url: string) => [
  '--endpoint',
  url,
  '--os-auth-url',
  `${url}/v3`,
  '--os-username',
  'admin',
  '--os-user-domain-name',
  'default',
  '--os-project-name',
  'default',
];

describe('ddm-jobs emulator save FILE, then ddm-jobs serve --emulator --snapshot FILE', () => {
  it('starts a server that answers every read as the saved one did, and plays on from there', async () => {
    const saved = await savedEmulator();
    const before = await reads(saved.server.url, saved.token, saved.projectId, saved.ids);
    const file = join(dirs.make(), 'state.json');
    const save = await ddmJobs(['emulator', 'save', file, ...adminFlags(saved.server.url)], {
      env: { OS_PASSWORD: ADMIN_PASSWORD },
    });
    expect(save.stderr).toBe('');
    expect(save.code).toBe(0);
    expect(save.stdout).toBe(`Saved the emulator's state to ${file}\n`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain(ADMIN_PASSWORD);
    expect(JSON.parse(text)).toMatchObject({ format: 'ddm-jobs-snapshot', version: 1 });
    await running.stopAll();

    // Another folder holding only the saved server's credential key, which the snapshot needs.
    const dataDir = dirs.make();
    copyFileSync(join(saved.dataDir, CREDENTIAL_KEY_FILE), join(dataDir, CREDENTIAL_KEY_FILE));
    const restored = await running.start(dataDir, [
      '--emulator',
      '--clock',
      'virtual',
      '--snapshot',
      file,
      ...(await databaseArgs()),
    ]);
    expect(restored.output()).toContain(`Restored the snapshot ${file}`);
    // The token key came back with the state: the saved server's token works here.
    expect(await reads(restored.url, saved.token, saved.projectId, saved.ids)).toEqual(before);

    // The simulation was restored too: the copy ends on the restored virtual clock.
    const call = caller(restored.url, saved.token);
    await call('POST', '/internal/v1/clock', { advance_ms: 10 * MINUTE });
    const show = JSON.parse((await call('GET', `/v3/${saved.projectId}/jobs/${MIGRATION}`)).slice(4));
    expect(show.job ?? show).toMatchObject({ status: 'ToBeSwitched' });
  });

  // ddm-jobs emulator start and its state file run SQLite in a folder of their own: once.
  it.skipIf(process.env.DDM_JOBS_TEST_STORE === 'postgres')(
    'saves the emulator of ddm-jobs emulator start without flags, and emulator start --snapshot starts from it',
    async () => {
      const env = { DDM_JOBS_EMULATOR_STATE_DIR: dirs.make() };
      const key = join(dirs.make(), 'credential.key');
      const file = join(dirs.make(), 'state.json');
      const emulator = async (args: string[]) => {
        const started = await ddmJobs(['emulator', 'start', '--credential-key-file', key, ...args], { env });
        expect(started.code, started.stderr).toBe(0);
        const state = JSON.parse(
          readFileSync(join(env.DDM_JOBS_EMULATOR_STATE_DIR, 'emulator-default.json'), 'utf8'),
        );
        const { username, password, domain } = state.service;
        const token = await tokenFor(state.url, { name: username, password, domain }, state.project_id);
        return { url: state.url as string, projectId: state.project_id as string, token };
      };
      try {
        const saved = await emulator([
          '--clock',
          'virtual',
          '--clock-start',
          '2026-01-01T05:00:00Z',
          '--scenario',
          HEALTHY,
        ]);
        await caller(saved.url, saved.token)('POST', '/internal/v1/clock', { advance_ms: 5 * MINUTE });
        const before = await reads(saved.url, saved.token, saved.projectId, [MIGRATION]);
        expect(before[`show ${MIGRATION}`]).toContain('"process":"50%"');

        const save = await ddmJobs(['emulator', 'save', file], { env });
        expect(save.stderr).toBe('');
        expect(save.code).toBe(0);
        expect(statSync(file).mode & 0o777).toBe(0o600);
        expect((await ddmJobs(['emulator', 'stop'], { env })).code).toBe(0);

        const restored = await emulator(['--clock', 'virtual', '--snapshot', file]);
        expect(restored.url).not.toBe(saved.url);
        expect(await reads(restored.url, saved.token, saved.projectId, [MIGRATION])).toEqual(before);
      } finally {
        await ddmJobs(['emulator', 'stop'], { env });
      }
    },
  );

  // The command line's checks, alike on both databases: run once, in the sqlite project.
  it.skipIf(process.env.DDM_JOBS_TEST_STORE === 'postgres')(
    'refuses, with a clear message and exit 2, a snapshot of another version, no --emulator, an existing file',
    async () => {
      const dataDir = dirs.make();
      const file = join(dataDir, 'old.json');
      writeFileSync(file, JSON.stringify({ format: 'ddm-jobs-snapshot', version: 0 }));
      const older = await ddmJobs([
        'serve',
        '--emulator',
        '--data-dir',
        dataDir,
        '--port',
        '0',
        '--snapshot',
        file,
      ]);
      expect(older.code).toBe(2);
      expect(older.stderr).toContain(
        `snapshot ${file}: snapshot format version 0 is not read by this release, which reads version 1`,
      );
      const plain = await ddmJobs(['serve', '--data-dir', dataDir, '--port', '0', '--snapshot', file]);
      expect(plain.code).toBe(2);
      expect(plain.stderr).toContain('--snapshot is the emulator');
      const existing = await ddmJobs(['emulator', 'save', file, ...adminFlags('http://127.0.0.1:9')]);
      expect(existing.code).toBe(2);
      expect(existing.stderr).toContain(`${file} exists: give --force to replace it`);
    },
  );
});
