import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { CLI } from '../support/processes.js';
import { servers, signInAdmin, tempDirs } from './cli-process.js';
import { isolatedEnv, sandbox } from './tenant-cli.js';

// `ddm-jobs details`, `get` on a migration, and `logs [--follow]` as a person runs them: the
// built CLI in real processes against a real `ddm-jobs serve --emulator` on the virtual clock,
// which stands still, so every time shown is known. Tasks, details and lines are recorded as a
// producer records them (the emulator's admin has the role service).

const id = (n: number) => `5b1c2d3e-4f5a-4b6c-8d7e-0000000000${String(n).padStart(2, '0')}`;
const MIGRATION = id(1);
const MANUAL = id(2);
const FOLLOWED = id(3);
const INTERRUPTED = id(4);
const NOT_MIGRATION = id(5);
const CLOCK_START = '2026-06-01T12:00:00.000Z';
const NOW = Date.parse(CLOCK_START);
const NODES = [{ dn_instance_id: '7edae0250ebc464897bd92b8d3e8b769in01', dn_instance_name: 'rds-a' }];
const DETAILS = {
  instance_name: 'ddm-orders',
  original_shard_num: 8,
  after_shard_num: 9,
  original_dn_info_list: NODES,
  after_dn_info_list: [
    ...NODES,
    { dn_instance_id: 'b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7in01', dn_instance_name: 'rds-b' },
  ],
  switch_route_is_manual: false,
  auto_switch_begin_time: '17:00:00',
  auto_switch_end_time: '18:30:00',
  node_id_for_migrate: 'node09',
  is_exclusive: true,
};

const dirs = tempDirs();
const running = servers();
let url: string;
let token: string;
let env: Record<string, string>;
let run: (args: string[]) => ReturnType<ReturnType<typeof sandbox>['run']>;
const children = new Set<ChildProcess>();

async function internal(method: string, path: string, body: unknown): Promise<void> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', 'x-auth-token': token },
    body: JSON.stringify(body),
  });
  expect(response.status, await response.text()).toBeLessThan(300);
}
const record = (jobId: string, fields: Record<string, unknown>) =>
  internal('POST', '/internal/v1/jobs', {
    id: jobId,
    project_id: env.OS_PROJECT_ID,
    name: 'migrateLogicDb',
    instance_id: '733c7e8d73a54c27b8308ec784a8be8cin09',
    instance_name: 'ddm-orders',
    database_name: 'db_orders',
    status: 'Running',
    created_at: NOW - 60_000,
    ...fields,
  });
const append = (jobId: string, logs: { level: string; message: string }[]) =>
  internal('POST', `/internal/v1/jobs/${jobId}/logs`, { logs });

beforeAll(async () => {
  const scenario = join(dirs.make(), 'scenario.yaml');
  writeFileSync(scenario, 'project: default\ntasks: []\n');
  ({ url } = await running.start(dirs.make(), [
    '--emulator',
    '--clock',
    'virtual',
    '--clock-start',
    CLOCK_START,
    '--scenario',
    scenario,
  ]));
  const admin = await signInAdmin(url);
  token = admin.token;
  env = { OS_AUTH_TOKEN: token, OS_PROJECT_ID: admin.projectId, DDM_ENDPOINT: url };
  const box = sandbox(dirs);
  run = (args) => box.run(args, { env });
  await record(MIGRATION, {
    status: 'ToBeSwitched',
    original_shard_num: 8,
    after_shard_num: 9,
    original_dn_info_list: DETAILS.original_dn_info_list,
    after_dn_info_list: DETAILS.after_dn_info_list,
    node_id_for_migrate: 'node09',
    is_exclusive: true,
    switch_route_begin_time: '17:00:00',
    switch_route_end_time: '18:30:00',
  });
  await record(MANUAL, {});
  await record(NOT_MIGRATION, { name: 'CreateInstance', database_name: '' });
  await append(MIGRATION, [
    { level: 'INFO', message: 'pre-check passed' },
    { level: 'WARNING', message: 'shard 3 is slow' },
  ]);
  await append(MIGRATION, [{ level: 'ERROR', message: 'shard 3 unreachable' }]);
});
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await running.stopAll();
  dirs.removeAll();
});

describe('ddm-jobs details', () => {
  it('shows the shards, data nodes, node, exclusive and daily window of a migration', async () => {
    const { code, stdout, stderr } = await run(['details', MIGRATION]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout.split('\n')).toEqual([
      'Instance:  ddm-orders',
      'Shards:            8 -> 9',
      'Data nodes before: rds-a (7edae0250ebc464897bd92b8d3e8b769in01)',
      'Data nodes after:  rds-a (7edae0250ebc464897bd92b8d3e8b769in01), rds-b (b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7in01)',
      'Migrating node:    node09',
      'Exclusive:         yes',
      "Switch window:     daily 17:00:00 to 18:30:00 (the server's time zone)",
      '',
    ]);
  });

  it('gives the API’s MigrateResults with --output json and yaml, keys in order', async () => {
    const json = await run(['details', MIGRATION, '--output', 'json']);
    expect(json.code).toBe(0);
    expect(json.stdout).toBe(`${JSON.stringify(DETAILS, null, 2)}\n`);
    const yaml = await run(['details', MIGRATION, '-o', 'yaml']);
    expect(parseYaml(yaml.stdout)).toEqual(DETAILS);
  });

  it('shows what no producer recorded as "-", and a manual task as switched by hand', async () => {
    const { code, stdout } = await run(['details', MANUAL]);
    expect(code).toBe(0);
    expect(stdout).toContain('Shards:            - -> -\n');
    expect(stdout).toContain('Data nodes before: -\n');
    expect(stdout).toContain(`Switch window:     manual (ddm-jobs switch ${MANUAL})\n`);
  });

  it('refuses a task that is no shard migration with exit 1, and an unknown id with the API’s 404', async () => {
    const other = await run(['details', NOT_MIGRATION]);
    expect(other.code).toBe(1);
    expect(other.stderr).toContain('only shard-migration tasks');
    const unknown = await run(['details', id(99)]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('DBS.300400');
  });
});

describe('ddm-jobs get', () => {
  it('shows a migration’s details under the task', async () => {
    const { code, stdout } = await run(['get', MIGRATION]);
    expect(code).toBe(0);
    expect(stdout).toContain('Status:');
    expect(stdout).toContain('\n\nShards:            8 -> 9\n');
    expect(stdout).toContain("Switch window:     daily 17:00:00 to 18:30:00 (the server's time zone)\n");
    const other = await run(['get', NOT_MIGRATION]);
    expect(other.code).toBe(0);
    expect(other.stdout).not.toContain('Shards:');
  });
});

describe('ddm-jobs logs', () => {
  const at = new Date(NOW).toISOString();

  it('shows every line oldest first, the newest at the bottom, with time and level', async () => {
    const { code, stdout } = await run(['logs', MIGRATION]);
    expect(code).toBe(0);
    expect(stdout).toBe(
      [
        `${at}  INFO     pre-check passed`,
        `${at}  WARNING  shard 3 is slow`,
        `${at}  ERROR    shard 3 unreachable`,
        '',
      ].join('\n'),
    );
  });

  it('gives the lines as the API does with --output json, newest first', async () => {
    const { code, stdout } = await run(['logs', MIGRATION, '-o', 'json']);
    expect(code).toBe(0);
    const lines = JSON.parse(stdout) as { message: string; created_time: number; task_id: string }[];
    expect(lines.map((line) => line.message)).toEqual([
      'shard 3 unreachable',
      'shard 3 is slow',
      'pre-check passed',
    ]);
    expect(lines[0]).toMatchObject({ task_id: MIGRATION, level: 'ERROR', created_time: NOW });
  });

  it('refuses --follow with --output json as a usage error (exit 2), and an unknown task with exit 1', async () => {
    const usage = await run(['logs', MIGRATION, '--follow', '-o', 'json']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('--follow shows text only');
    expect((await run(['logs', id(99)])).code).toBe(1);
  });

  /** `ddm-jobs logs ID --follow` running, its output so far, and its end. */
  function follow(jobId: string) {
    const child = spawn(process.execPath, [CLI, 'logs', jobId, '--follow'], {
      env: isolatedEnv(dirs.make(), env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    return { child, exited, out: () => stdout, err: () => stderr };
  }
  /** Waits, bounded, until `condition` holds. */
  async function until(condition: () => boolean, what: () => string): Promise<void> {
    const deadline = Date.now() + 15_000;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting; output so far: ${what()}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it('--follow shows the log, then each new line as it is written, and ends (exit 0) when the task finishes (here Failed)', async () => {
    await record(FOLLOWED, {});
    await append(FOLLOWED, [{ level: 'INFO', message: 'copying shard 1' }]);
    const followed = follow(FOLLOWED);
    await until(() => followed.out().includes('copying shard 1'), followed.err);
    // The stream is open once the log so far is shown: what comes now arrives as events.
    await append(FOLLOWED, [{ level: 'WARNING', message: 'copying shard 2 slowly' }]);
    await until(() => followed.out().includes('copying shard 2 slowly'), followed.err);
    await append(FOLLOWED, [{ level: 'INFO', message: 'done' }]);
    await internal('PATCH', `/internal/v1/jobs/${FOLLOWED}`, {
      status: 'Failed',
      fail_reason: 'shard 3 unreachable',
    });
    expect(await followed.exited).toBe(0);
    expect(followed.out()).toBe(
      [
        `${at}  INFO     copying shard 1`,
        `${at}  WARNING  copying shard 2 slowly`,
        `${at}  INFO     done`,
        '',
      ].join('\n'),
    );
  });

  it('--follow on a finished task shows its log and ends at once; Ctrl-C ends a follow with exit 130', async () => {
    const done = follow(FOLLOWED);
    expect(await done.exited).toBe(0);
    expect(done.out()).toContain('INFO     done\n');
    await record(INTERRUPTED, {});
    await append(INTERRUPTED, [{ level: 'INFO', message: 'started' }]);
    const interrupted = follow(INTERRUPTED);
    await until(() => interrupted.out().includes('started'), interrupted.err);
    interrupted.child.kill('SIGINT');
    expect(await interrupted.exited).toBe(130);
  });
});
