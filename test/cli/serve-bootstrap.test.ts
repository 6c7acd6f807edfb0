import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { ddmJobs, iam, iamList, listJobs, REPO, servers, signIn, tempDirs, tokenFor } from './cli-process.js';

// The documented example file, as users would start with it.
const EXAMPLE = join(REPO, 'docs/bootstrap.example.yaml');
const TENANT_A = '619d3e78f61b4be68bc5aa0b59edcf7b';

const dirs = tempDirs();
const running = servers();
afterEach(async () => {
  await running.stopAll();
  dirs.removeAll();
});

interface Declared {
  users: { name: string; password: string; domain?: string }[];
}
const declared = parseYaml(readFileSync(EXAMPLE, 'utf8')) as Declared;
const userNamed = (name: string) => declared.users.find((u) => u.name === name) as Declared['users'][number];

/** Everything `iam` lists, ids included: what a second start must leave as it is. */
async function snapshot(dir: string) {
  return {
    domains: await iamList(dir, ['domain', 'list']),
    projects: await iamList(dir, ['project', 'list']),
    users: await iamList(dir, ['user', 'list']),
    roles: await iamList(dir, ['role', 'list']),
  };
}

describe('ddm-jobs serve --bootstrap docs/bootstrap.example.yaml', () => {
  it('starts, and its tenant and producer users get tokens for their project', async () => {
    const dir = dirs.make();
    const { url } = await running.start(dir, ['--bootstrap', EXAMPLE]);

    const alice = await tokenFor(url, userNamed('alice'), TENANT_A);
    expect((await listJobs(url, TENANT_A, alice)).status).toBe(200);
    const worker = await tokenFor(url, userNamed('ddm-worker'), TENANT_A);
    expect((await listJobs(url, TENANT_A, worker)).status).toBe(200);
    const auditor = userNamed('auditor');
    expect((await signIn(url, { ...auditor, domain: 'acme' }, TENANT_A)).status).toBe(201);
    expect((await signIn(url, userNamed('former-admin'))).status).toBe(401);
    // With a bootstrap file, no first-start admin.
    expect((await iamList<{ name: string }>(dir, ['user', 'list'])).map((u) => u.name)).not.toContain(
      'admin',
    );
  });

  it('declares what the file says: fixed ids, domains, roles, the disabled user', async () => {
    const dir = dirs.make();
    await running.start(dir, ['--bootstrap', EXAMPLE]);
    const { domains, projects, users, roles } = await snapshot(dir);
    expect(domains).toEqual([
      { id: '7f3c2a1b9d8e4f6a8b0c1d2e3f4a5b6c', name: 'acme' },
      { id: 'default', name: 'default' },
    ]);
    expect(projects).toContainEqual({
      id: TENANT_A,
      name: 'tenant-a',
      domain: 'default',
      domain_id: 'default',
    });
    expect(projects).toContainEqual(expect.objectContaining({ name: 'tenant-b', domain: 'acme' }));
    expect(users).toContainEqual(
      expect.objectContaining({ id: '0d5e1f6a7b8c49d0a1b2c3d4e5f60718', name: 'ddm-worker' }),
    );
    expect(users).toContainEqual(expect.objectContaining({ name: 'former-admin', enabled: false }));
    const described = (roles as Record<string, string>[]).map(
      (r) => `${r.role} ${r.user}@${r.user_domain} ${r.project}@${r.project_domain}`,
    );
    expect(described.sort()).toEqual([
      'readonly auditor@acme tenant-a@default',
      'readonly auditor@acme tenant-b@acme',
      'readonly carol@default tenant-a@default',
      'service ddm-worker@default default@default',
      'service ddm-worker@default tenant-a@default',
      'te_admin alice@default default@default',
      'te_admin alice@default tenant-a@default',
    ]);
  });

  it('is idempotent: a second start with the same file changes nothing and tokens still work', async () => {
    const dir = dirs.make();
    const first = await running.start(dir, ['--bootstrap', EXAMPLE]);
    const before = await snapshot(dir);
    const token = await tokenFor(first.url, userNamed('alice'), TENANT_A);
    await running.stopAll();

    const second = await running.start(dir, ['--bootstrap', EXAMPLE]);
    expect(await snapshot(dir)).toEqual(before);
    // The password was not set again: the token issued before the restart still works.
    expect((await listJobs(second.url, TENANT_A, token)).status).toBe(200);
    expect((await signIn(second.url, userNamed('alice'), TENANT_A)).status).toBe(201);
  });

  it('keeps identities added with iam across a restart, and sets back what the file declares', async () => {
    const dir = dirs.make();
    await running.start(dir, ['--bootstrap', EXAMPLE]);
    await iam(dir, ['user', 'create', 'bob', '--password', 'bob password']);
    await iam(dir, ['role', 'grant', 'readonly', '--user', 'bob', '--project', 'tenant-a']);
    await iam(dir, ['user', 'disable', 'alice']);
    await running.stopAll();

    const { url } = await running.start(dir, ['--bootstrap', EXAMPLE]);
    expect((await signIn(url, { name: 'bob', password: 'bob password' }, TENANT_A)).status).toBe(201);
    expect((await signIn(url, userNamed('alice'), TENANT_A)).status).toBe(201);
  });

  it('refuses a file that does not match the format with exit 2', async () => {
    const dir = dirs.make();
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'users:\n  - name: alice\n    pasword: typo\n');
    const result = await ddmJobs([
      'serve',
      '--port',
      '0',
      '--data-dir',
      dir,
      '--no-demo',
      '--bootstrap',
      file,
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^ddm-jobs: bootstrap file .*bad\.yaml/);
  });
});
