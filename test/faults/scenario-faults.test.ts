import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ddmJobs, servers, signInAdmin, tempDirs } from '../cli/cli-process.js';
import { REQUEST_ID, sandbox } from '../cli/tenant-cli.js';

/**
 * Faults declared in a scenario file, played by a real `ddm-jobs serve --emulator` process, and
 * the tenant CLI (a real process too) against them: its retries, its exit code and message, the
 * server's log line; a reset holds the declared rules again.
 */
const dirs = tempDirs();
const running = servers();
let url: string;
let output: () => string;
let env: Record<string, string>;
let box: ReturnType<typeof sandbox>;

const MIGRATION = '3f6c1e0a-8d2b-4c5e-9f7a-1b2c3d4e5f60';
const SCENARIO = `
project: default
tasks:
  - name: EnlargeNode
    steps: [{ status: Completed }]
  - name: migrateLogicDb
    id: ${MIGRATION}
    database: db_orders
    steps: [{ status: Running, progress: 10 }]
faults:
  - match: { operation: ListTasks }
    fire: { times: 2 }
    effect: { type: error, status: 503, error_code: APIGW.0202, retry_after: 0 }
`;

function writeScenario(text: string): string {
  const file = join(dirs.make(), 'scenario.yaml');
  writeFileSync(file, text);
  return file;
}

/** A call to the internal API as the admin (who holds role service too); its status. */
async function service(method: string, path: string, body?: unknown): Promise<number> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: {
      'x-auth-token': env.OS_AUTH_TOKEN as string,
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  await response.arrayBuffer();
  return response.status;
}

const rules = async () =>
  (
    (await (
      await fetch(`${url}/internal/v1/faults`, { headers: { 'x-auth-token': env.OS_AUTH_TOKEN as string } })
    ).json()) as { faults: { id: string; fired: number; match: Record<string, string> }[] }
  ).faults;

beforeAll(async () => {
  const server = await running.start(dirs.make(), ['--emulator', '--scenario', writeScenario(SCENARIO)]);
  url = server.url;
  output = server.output;
  const { token, projectId } = await signInAdmin(url);
  env = { OS_AUTH_TOKEN: token, OS_PROJECT_ID: projectId, DDM_ENDPOINT: url };
  box = sandbox(dirs);
});
afterAll(async () => {
  await running.stopAll();
  dirs.removeAll();
});

describe('a scenario’s faults, against the tenant CLI', () => {
  it('are held from the start: ddm-jobs list goes through two 503s (the SDK’s retries), and each is logged', async () => {
    const [declared] = await rules();
    expect(declared).toMatchObject({ match: { operation: 'ListTasks' }, fired: 0 });
    const result = await box.run(['list', '--output', 'json'], { env });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'EnlargeNode' })]),
    );
    expect((await rules())[0]?.fired).toBe(2);
    const logged = output()
      .split('\n')
      .filter((line) => line.includes('"fault fired"'));
    expect(logged).toHaveLength(2);
    expect(JSON.parse(logged[0] as string).fault).toMatchObject({
      id: declared?.id,
      operation: 'ListTasks',
      effect: { type: 'error', status: 503, error_code: 'APIGW.0202' },
    });
  });

  it('make ddm-jobs exit 1 with the code and request id of an error it does not retry', async () => {
    const added = await service('POST', '/internal/v1/faults', {
      match: { operation: 'ListTasks' },
      fire: { times: 1 },
      effect: { type: 'error', status: 500, error_code: 'DBS.300002' },
    });
    expect(added).toBe(201);
    const result = await box.run(['list'], { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^ddm-jobs: DBS\.300002 Server failure\. /);
    expect(result.stderr).toMatch(REQUEST_ID);
  });

  it('make ddm-jobs cancel exit 1 on a dropped connection, sent once, the task unchanged', async () => {
    expect(
      await service('POST', '/internal/v1/faults', {
        match: { operation: 'CancelMigration' },
        effect: { type: 'drop' },
      }),
    ).toBe(201);
    const result = await box.run(['cancel', MIGRATION], { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^ddm-jobs: network error: PUT .*\/cancel/);
    expect((await rules()).find((rule) => rule.match.operation === 'CancelMigration')?.fired).toBe(1);
    const shown = await box.run(['get', MIGRATION, '--output', 'json'], { env });
    expect(JSON.parse(shown.stdout)).toMatchObject({ id: MIGRATION, status: 'Running' });
  });

  it('come back after a reset, counted from 0, and the rules added since are gone', async () => {
    expect(await rules()).toHaveLength(3);
    expect(await service('POST', '/internal/v1/reset')).toBe(200);
    expect(await rules()).toEqual([expect.objectContaining({ match: { operation: 'ListTasks' }, fired: 0 })]);
  });
});

describe('a scenario’s faults without --emulator', () => {
  it('stop the start with exit 2, saying why', async () => {
    const result = await ddmJobs([
      'serve',
      '--port',
      '0',
      '--no-demo',
      '--data-dir',
      dirs.make(),
      '--scenario',
      writeScenario(SCENARIO),
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("faults are the emulator's: start the server with --emulator");
  });

  it('or with a bad rule, naming it', async () => {
    const file = writeScenario(
      'project: default\nfaults:\n  - match: { operation: Nope }\n    effect: { type: drop }\n',
    );
    const result = await ddmJobs([
      'serve',
      '--port',
      '0',
      '--no-demo',
      '--emulator',
      '--data-dir',
      dirs.make(),
      '--scenario',
      file,
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('faults[0].match.operation names no operation faults can match: "Nope"');
  });
});
