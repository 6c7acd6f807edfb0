import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DN_PASSWORD } from '../support/data-nodes.js';
import { servers, signInAdmin, tempDirs } from './cli-process.js';
import { sandbox } from './tenant-cli.js';

/**
 * `ddm-jobs nodes`, `precheck` and `migrate INSTANCE DB` as real processes against a real
 * `ddm-jobs serve --emulator` (docs/cli.md, "Starting a shard change"): the data nodes'
 * password from stdin, the environment or a file, never a flag; output for people and for scripts.
 */
const INSTANCE = '733c7e8d73a54c27b8308ec784a8be8cin09';
const NODE = 'dd000000000000000000000000000003in01';

const dirs = tempDirs();
const running = servers();
let env: Record<string, string>;
let box: ReturnType<typeof sandbox>;
beforeAll(async () => {
  const { url } = await running.start(dirs.make(), ['--emulator', '--clock', 'virtual']);
  const { token, projectId } = await signInAdmin(url);
  env = { OS_AUTH_TOKEN: token, OS_PROJECT_ID: projectId, DDM_ENDPOINT: url };
  box = sandbox(dirs);
});
afterAll(async () => {
  await running.stopAll();
  dirs.removeAll();
});

const run = (args: string[], extra: { env?: Record<string, string>; input?: string } = {}) =>
  box.run(args, {
    env: { ...env, ...extra.env },
    ...(extra.input === undefined ? {} : { input: extra.input }),
  });

describe('starting a shard change from the command line', () => {
  it('nodes: a table for people, the API’s answer with -o json', async () => {
    const table = await run(['nodes', INSTANCE, 'db_orders', '--limit', '2']);
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(/^ID\s+NAME\s+STATUS\s+ENGINE\s+ADDRESS\s+TIME ZONE$/);
    expect(table.stdout).toContain(`${NODE}  ddm-dn-3  normal  mysql 8.0  192.168.0.13:3306  UTC+08:00`);
    expect(table.stdout).toContain('2 of 4 data nodes (offset 0).');
    const json = await run(['nodes', INSTANCE, 'db_orders', '-o', 'json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ offset: 0, limit: 10, total: 4 });
  });

  it('precheck with the password on stdin, its result, then migrate with it in the environment', async () => {
    const args = ['--shards', '9', '--data-node', NODE, '--user', 'ddm_migrator'];
    const precheck = await run(
      ['precheck', INSTANCE, 'db_orders', ...args, '--password-stdin', '-o', 'json'],
      {
        input: `${DN_PASSWORD}\n`,
      },
    );
    expect(precheck.code).toBe(0);
    const { job_id: id, pre_check_results: items } = JSON.parse(precheck.stdout);
    expect(items).toHaveLength(5);
    const result = await run(['precheck', INSTANCE, 'db_orders', '--result', id]);
    expect(result.stdout).toContain('SUCCESS  Time zone of associated DN instances');
    expect(result.stdout).toContain(`Pre-check ${id}: 8 items answered.`);
    const migrate = await run(
      ['migrate', INSTANCE, 'db_orders', ...args, '--begin', '02:00:00', '--end', '04:00:00'],
      {
        env: { DDM_DATA_NODE_PASSWORD: DN_PASSWORD },
      },
    );
    expect(migrate.stderr).toBe('');
    expect(migrate.code).toBe(0);
    expect(migrate.stdout).toMatch(/^Shard change started: task [0-9a-f-]{36} \(migrateLogicDb\)\./);
    const taskId = /task ([0-9a-f-]{36})/.exec(migrate.stdout)?.[1] as string;
    const get = await run(['get', taskId, '-o', 'json']);
    expect(JSON.parse(get.stdout)).toMatchObject({
      name: 'migrateLogicDb',
      status: 'Running',
      database_name: 'db_orders',
    });
  });

  it('an accounts file; a refusal exits 1 with its code; no password is a usage error (exit 2)', async () => {
    const file = box.write(
      'accounts.yaml',
      `- { id: dd000000000000000000000000000004in01, user: ddm_migrator, password: "${DN_PASSWORD}" }\n`,
    );
    const refused = await run(['migrate', INSTANCE, 'db_other', '--shards', '9', '--accounts-file', file]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^ddm-jobs: DBS\.300363 Pre-check failed\./);
    const none = await run([
      'precheck',
      INSTANCE,
      'db_other',
      '--shards',
      '9',
      '--data-node',
      NODE,
      '--user',
      'u',
    ]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('DDM_DATA_NODE_PASSWORD');
    const flag = await run(['precheck', INSTANCE, 'db_other', '--shards', '9', '--password', DN_PASSWORD]);
    expect(flag.code).toBe(2);
    for (const output of [refused, none, flag])
      expect(output.stdout + output.stderr).not.toContain(DN_PASSWORD);
  });
});
