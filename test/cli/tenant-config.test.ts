import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { servers, tempDirs } from './cli-process.js';
import { adminAccessKey, REQUEST_ID, sandbox, startTenantServer, type TenantServer } from './tenant-cli.js';

// How the tenant commands find their service and credentials, as OpenStack users configure
// them: OS_* variables, clouds.yaml (and secure.yaml) in the standard places, flags; and which
// wins. Each run is the built CLI against a real `ddm-jobs serve`, in a home folder of its own.

const TASK = '5e1f0a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b';
const SCENARIO = `
project: default
instance: { id: 733c7e8d73a54c27b8308ec784a8be8cin09, name: ddm-orders }
tasks:
  - { name: CreateInstance, id: ${TASK}, start: -1h, steps: [{ status: Running, over: 5m }, { status: Completed }] }
`;

const dirs = tempDirs();
const running = servers();
let server: TenantServer;
beforeAll(async () => {
  server = await startTenantServer(running, dirs, SCENARIO);
});
afterAll(async () => {
  await running.stopAll();
  dirs.removeAll();
});

/** `ddm-jobs get TASK --output json` in `box`: the task's status when it worked. */
async function getTask(
  box: ReturnType<typeof sandbox>,
  options: Parameters<typeof box.run>[1] = {},
  flags: string[] = [],
) {
  const result = await box.run(['get', TASK, '--output', 'json', ...flags], options);
  return {
    ...result,
    status: result.code === 0 ? (JSON.parse(result.stdout) as { status: string }).status : '',
  };
}

/** A clouds.yaml with one cloud, `dev`, whose auth holds `auth` (YAML flow mapping body). */
const cloudsYaml = (auth: string, extra = '') => `clouds:\n  dev:\n    auth: { ${auth} }\n${extra}`;
const passwordAuth = (s: TenantServer, password: string) =>
  `auth_url: "${s.url}/v3", username: admin, password: "${password}", user_domain_name: default, project_name: default`;

describe('tenant configuration from the environment', () => {
  it('signs in with OS_AUTH_URL, OS_USERNAME, OS_PASSWORD, OS_USER_DOMAIN_NAME and OS_PROJECT_NAME, endpoint from the catalog', async () => {
    expect(await getTask(sandbox(dirs), { env: server.passwordEnv })).toMatchObject({
      code: 0,
      status: 'Completed',
    });
  });

  it('uses OS_AUTH_TOKEN (or OS_TOKEN) with OS_PROJECT_ID and DDM_ENDPOINT', async () => {
    const box = sandbox(dirs);
    expect(await getTask(box, { env: server.tokenEnv })).toMatchObject({ code: 0, status: 'Completed' });
    const { OS_AUTH_TOKEN, ...rest } = server.tokenEnv;
    expect(await getTask(box, { env: { ...rest, OS_TOKEN: OS_AUTH_TOKEN as string } })).toMatchObject({
      code: 0,
    });
  });

  it('signs requests with OS_ACCESS_KEY and OS_SECRET_KEY', async () => {
    const { ak, sk } = await adminAccessKey(server.dataDir);
    const env = {
      OS_ACCESS_KEY: ak,
      OS_SECRET_KEY: sk,
      OS_PROJECT_ID: server.projectId,
      DDM_ENDPOINT: server.url,
    };
    expect(await getTask(sandbox(dirs), { env })).toMatchObject({ code: 0, status: 'Completed' });
    // One character changed (a random key may already end in x).
    const wrongKey = `${sk.slice(0, -1)}${sk.endsWith('x') ? 'y' : 'x'}`;
    const wrong = await getTask(sandbox(dirs), { env: { ...env, OS_SECRET_KEY: wrongKey } });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/^ddm-jobs: APIGW\.0301 .*verify aksk signature fail/);
  });
});

describe('tenant configuration from clouds.yaml', () => {
  it('reads --os-cloud from $XDG_CONFIG_HOME/openstack/clouds.yaml, with the password in secure.yaml beside it', async () => {
    const box = sandbox(dirs);
    box.write('xdg/openstack/clouds.yaml', cloudsYaml(passwordAuth(server, 'in secure.yaml')));
    box.write(
      'xdg/openstack/secure.yaml',
      `clouds:\n  dev:\n    auth: { password: "${server.passwordEnv.OS_PASSWORD}" }\n`,
    );
    const result = await getTask(box, { env: { XDG_CONFIG_HOME: `${box.home}/xdg` } }, ['--os-cloud', 'dev']);
    expect(result).toMatchObject({ code: 0, status: 'Completed' });
  });

  it('reads OS_CLOUD from ./clouds.yaml in the working folder, before ~/.config/openstack', async () => {
    const box = sandbox(dirs);
    const project = `${box.home}/project`;
    box.write(
      'project/clouds.yaml',
      cloudsYaml(passwordAuth(server, server.passwordEnv.OS_PASSWORD as string)),
    );
    box.write('.config/openstack/clouds.yaml', cloudsYaml(passwordAuth(server, 'wrong password')));
    expect(await getTask(box, { cwd: project, env: { OS_CLOUD: 'dev' } })).toMatchObject({ code: 0 });
    // Elsewhere, ~/.config/openstack's cloud is the one read, and its password is refused.
    const home = await getTask(box, { env: { OS_CLOUD: 'dev' } });
    expect([home.code, home.stderr]).toEqual([1, expect.stringMatching(/^ddm-jobs: IAM\.401 /)]);
  });

  it('reads a token, the project id and ddm_endpoint_override from a cloud', async () => {
    const box = sandbox(dirs);
    box.write(
      '.config/openstack/clouds.yaml',
      cloudsYaml(
        `token: "${server.token}", project_id: "${server.projectId}"`,
        `    ddm_endpoint_override: "${server.url}"\n`,
      ),
    );
    expect(await getTask(box, { env: { OS_CLOUD: 'dev' } })).toMatchObject({ code: 0, status: 'Completed' });
  });
});

describe('which setting wins', () => {
  it('a flag beats the environment', async () => {
    const box = sandbox(dirs);
    const right = server.passwordEnv.OS_PASSWORD as string;
    const env = { ...server.passwordEnv, OS_PASSWORD: 'wrong password' };
    expect(await getTask(box, { env }, ['--os-password', right])).toMatchObject({ code: 0 });
    const flagWrong = await getTask(box, { env: server.passwordEnv }, ['--os-password', 'wrong password']);
    expect(flagWrong.code).toBe(1);
  });

  it('the environment beats clouds.yaml', async () => {
    const box = sandbox(dirs);
    box.write('.config/openstack/clouds.yaml', cloudsYaml(passwordAuth(server, 'wrong password')));
    const right = server.passwordEnv.OS_PASSWORD as string;
    expect(await getTask(box, { env: { OS_CLOUD: 'dev', OS_PASSWORD: right } })).toMatchObject({ code: 0 });
    expect(await getTask(box, { env: { OS_CLOUD: 'dev' } })).toMatchObject({ code: 1 });
  });

  it('a token beats an access key and a password', async () => {
    const box = sandbox(dirs);
    const wrongKey = { OS_ACCESS_KEY: 'AKNOTAKEY00000000000', OS_SECRET_KEY: 'x'.repeat(40) };
    const env = { ...server.passwordEnv, ...wrongKey, OS_PASSWORD: 'wrong password', ...server.tokenEnv };
    expect(await getTask(box, { env })).toMatchObject({ code: 0 });
    const badToken = await getTask(box, { env: { ...env, OS_AUTH_TOKEN: 'not-a-token' } });
    expect([badToken.code, badToken.stderr]).toEqual([1, expect.stringMatching(/^ddm-jobs: APIGW\.0301 /)]);
  });
});

describe('configuration mistakes', () => {
  it('exits 2 naming what to set when nothing authenticates or no endpoint is known', async () => {
    const box = sandbox(dirs);
    const none = await box.run(['list']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('ddm-jobs: no credentials: set one of\n  OS_AUTH_TOKEN (a token)');
    const noEndpoint = await box.run(['list'], { env: { OS_AUTH_TOKEN: 't', OS_PROJECT_ID: 'p' } });
    expect([noEndpoint.code, noEndpoint.stderr]).toEqual([
      2,
      'ddm-jobs: a token needs --endpoint or DDM_ENDPOINT.\n',
    ]);
  });

  it('cannot be configured by the shell that runs the tests (the sandbox keeps OS_* and DDM_* out)', async () => {
    const leaked: Record<string, string> = {
      OS_AUTH_TOKEN: server.token,
      OS_PROJECT_ID: server.projectId,
      DDM_ENDPOINT: server.url,
      XDG_CONFIG_HOME: '/leaked',
    };
    const saved = Object.fromEntries(Object.keys(leaked).map((name) => [name, process.env[name]]));
    Object.assign(process.env, leaked);
    try {
      const result = await sandbox(dirs).run(['list']);
      expect([result.code, result.stderr]).toEqual([2, expect.stringContaining('no credentials')]);
    } finally {
      for (const [name, value] of Object.entries(saved))
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
    }
  });

  it('exits 2 for a cloud that is not there, an unreadable clouds.yaml or a bad URL', async () => {
    const box = sandbox(dirs);
    const noFile = await box.run(['list', '--os-cloud', 'dev']);
    expect([noFile.code, noFile.stderr]).toEqual([
      2,
      expect.stringContaining('no clouds.yaml was found; looked for:'),
    ]);
    const file = box.write('.config/openstack/clouds.yaml', cloudsYaml('token: t'));
    const unknown = await box.run(['list', '--os-cloud', 'prod']);
    expect([unknown.code, unknown.stderr]).toEqual([
      2,
      `ddm-jobs: cloud "prod" is not in ${file} (its clouds: dev).\n`,
    ]);
    box.write('.config/openstack/clouds.yaml', 'clouds: [unclosed');
    const broken = await box.run(['list', '--os-cloud', 'dev']);
    expect([broken.code, broken.stderr]).toEqual([
      2,
      expect.stringContaining(`${file}: cannot be read as YAML`),
    ]);
    const badUrl = await box.run(['list'], { env: { ...server.tokenEnv, DDM_ENDPOINT: 'ddm.example.com' } });
    expect([badUrl.code, badUrl.stderr]).toEqual([
      2,
      'ddm-jobs: DDM_ENDPOINT must be an http or https URL, not "ddm.example.com".\n',
    ]);
  });

  it('exits 1 with the IAM’s error, the request id and what to check for a wrong password', async () => {
    const result = await sandbox(dirs).run(['list'], {
      env: { ...server.passwordEnv, OS_PASSWORD: 'not-the-password-7f3a' },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^ddm-jobs: IAM\.401 .+/);
    expect(result.stderr).toMatch(REQUEST_ID);
    // One line, naming the three settings a refused sign-in is about; never the password itself.
    expect(result.stderr.split('\n')).toHaveLength(2);
    expect(result.stderr).toMatch(
      /; check the user name \(OS_USERNAME\), the password \(OS_PASSWORD\) and the user's domain \(OS_USER_DOMAIN_NAME or OS_USER_DOMAIN_ID; .+\)/,
    );
    expect(result.stderr).not.toContain('not-the-password-7f3a');
  });
});
