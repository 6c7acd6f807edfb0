import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ddmJobs, iam, iamList, tempDirs } from './cli-process.js';

const dirs = tempDirs();
afterAll(() => dirs.removeAll());

const PROJECT_A = '619d3e78f61b4be68bc5aa0b59edcf7b';
const PROJECT_B = '0a1b2c3d4e5f60718293a4b5c6d7e8f9';

/**
 * Two projects and two users in default, a project and a user in acme: made once, each test
 * gets its own copy of the folder (the store is closed, so the file is whole).
 */
let template: string;
beforeAll(async () => {
  const dir = dirs.make();
  await iam(dir, ['project', 'create', 'tenant-a', '--id', PROJECT_A]);
  await iam(dir, ['project', 'create', 'tenant-b', '--id', PROJECT_B]);
  await iam(dir, ['domain', 'create', 'acme']);
  await iam(dir, ['project', 'create', 'tenant-c', '--domain', 'acme', '--id', 'acme-project']);
  await iam(dir, ['user', 'create', 'alice', '--password', 'p']);
  await iam(dir, ['user', 'create', 'bob', '--password', 'p']);
  await iam(dir, ['user', 'create', 'carol', '--domain', 'acme', '--password', 'p']);
  template = dir;
});
const identities = async () => dirs.copyOf(template);

interface Assignment {
  role: string;
  user: string;
  user_domain: string;
  project: string;
  project_domain: string;
}
const assignments = async (dir: string, filter: string[] = []) =>
  (await iamList<Assignment>(dir, ['role', 'list', ...filter])).map(
    (a) => `${a.role} ${a.user}@${a.user_domain} ${a.project}@${a.project_domain}`,
  );

describe('ddm-jobs iam role', () => {
  it('grants roles and lists them, all or by user or project', async () => {
    const dir = await identities();
    expect(await iam(dir, ['role', 'grant', 'te_admin', '--user', 'alice', '--project', 'tenant-a'])).toBe(
      'granted role te_admin to user alice on project tenant-a (domain default)\n',
    );
    await iam(dir, ['role', 'grant', 'service', '--user', 'alice', '--project', 'tenant-a']);
    await iam(dir, ['role', 'grant', 'readonly', '--user', 'bob', '--project', 'tenant-a']);
    await iam(dir, ['role', 'grant', 'readonly', '--user', 'bob', '--project', 'tenant-b']);
    expect((await assignments(dir)).sort()).toEqual([
      'readonly bob@default tenant-a@default',
      'readonly bob@default tenant-b@default',
      'service alice@default tenant-a@default',
      'te_admin alice@default tenant-a@default',
    ]);
    expect(await assignments(dir, ['--user', 'alice'])).toEqual([
      'service alice@default tenant-a@default',
      'te_admin alice@default tenant-a@default',
    ]);
    expect((await assignments(dir, ['--project', 'tenant-a'])).sort()).toEqual([
      'readonly bob@default tenant-a@default',
      'service alice@default tenant-a@default',
      'te_admin alice@default tenant-a@default',
    ]);
    expect(await assignments(dir, ['--user', 'bob', '--project', 'tenant-b'])).toEqual([
      'readonly bob@default tenant-b@default',
    ]);
  });

  it('lists roles as a table with the project id', async () => {
    const dir = await identities();
    await iam(dir, ['role', 'grant', 'te_admin', '--user', 'alice', '--project', 'tenant-a']);
    expect(await iam(dir, ['role', 'list'])).toBe(
      [
        'ROLE      USER   USER DOMAIN  PROJECT   PROJECT DOMAIN  PROJECT ID',
        `te_admin  alice  default      tenant-a  default         ${PROJECT_A}`,
        '',
      ].join('\n'),
    );
  });

  it('grants across domains, the project in the user’s domain unless --project-domain', async () => {
    const dir = await identities();
    await iam(dir, [
      'role',
      'grant',
      'service',
      '--user',
      'carol',
      '--user-domain',
      'acme',
      '--project',
      'tenant-c',
    ]);
    await iam(dir, [
      'role',
      'grant',
      'readonly',
      '--user',
      'carol',
      '--user-domain',
      'acme',
      '--project',
      'tenant-a',
      '--project-domain',
      'default',
    ]);
    expect((await assignments(dir, ['--user', 'carol', '--user-domain', 'acme'])).sort()).toEqual([
      'readonly carol@acme tenant-a@default',
      'service carol@acme tenant-c@acme',
    ]);
    const wrongDomain = await ddmJobs([
      'iam',
      'role',
      'grant',
      'readonly',
      '--user',
      'carol',
      '--user-domain',
      'acme',
      '--project',
      'tenant-b',
      '--data-dir',
      dir,
    ]);
    expect(wrongDomain.code).toBe(1);
    expect(wrongDomain.stderr).toBe('ddm-jobs: project tenant-b not found in domain acme\n');
  });

  it('grants a role the user has already without change', async () => {
    const dir = await identities();
    await iam(dir, ['role', 'grant', 'te_admin', '--user', 'alice', '--project', 'tenant-a']);
    expect(await iam(dir, ['role', 'grant', 'te_admin', '--user', 'alice', '--project', 'tenant-a'])).toBe(
      'user alice on project tenant-a (domain default) already has role te_admin\n',
    );
    expect(await assignments(dir)).toEqual(['te_admin alice@default tenant-a@default']);
  });

  it('revokes one role and keeps the others', async () => {
    const dir = await identities();
    await iam(dir, ['role', 'grant', 'te_admin', '--user', 'alice', '--project', 'tenant-a']);
    await iam(dir, ['role', 'grant', 'service', '--user', 'alice', '--project', 'tenant-a']);
    expect(await iam(dir, ['role', 'revoke', 'service', '--user', 'alice', '--project', 'tenant-a'])).toBe(
      'revoked role service of user alice on project tenant-a (domain default)\n',
    );
    expect(await assignments(dir)).toEqual(['te_admin alice@default tenant-a@default']);
  });

  it('refuses to revoke a role the user does not have with exit 1', async () => {
    const dir = await identities();
    const result = await ddmJobs([
      'iam',
      'role',
      'revoke',
      'te_admin',
      '--user',
      'alice',
      '--project',
      'tenant-a',
      '--data-dir',
      dir,
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'ddm-jobs: user alice on project tenant-a (domain default) has no role te_admin\n',
    );
  });
});

describe('ddm-jobs iam role with unknown names', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await identities();
  });

  it.each([
    [['grant', 'r', '--user', 'zed', '--project', 'tenant-a'], 'user zed not found in domain default'],
    [['revoke', 'r', '--user', 'alice', '--project', 'nope'], 'project nope not found in domain default'],
    [['list', '--user', 'zed'], 'user zed not found in domain default'],
    [['list', '--project', 'nope'], 'project nope not found in domain default'],
    [['list', '--user', 'alice', '--user-domain', 'nowhere'], 'domain nowhere not found'],
  ])('refuses role %j with exit 1', async (args, message) => {
    const result = await ddmJobs(['iam', 'role', ...args, '--data-dir', dir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`ddm-jobs: ${message}\n`);
    expect(result.stdout).toBe('');
  });
});
