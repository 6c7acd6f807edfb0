import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ddmJobs, iam, iamList, tempDirs } from './cli-process.js';

const dirs = tempDirs();
afterEach(() => dirs.removeAll());

interface UserRow {
  id: string;
  name: string;
  domain: string;
  domain_id: string;
  enabled: boolean;
}
const users = (dir: string) => iamList<UserRow>(dir, ['user', 'list']);

describe('ddm-jobs iam user create', () => {
  it('creates an enabled user with the password given and prints no password', async () => {
    const dir = dirs.make();
    const out = await iam(dir, ['user', 'create', 'alice', '--password', 'alice secret']);
    expect(out).toMatch(/^created user alice in domain default \(id [0-9a-f]{32}\)\n$/);
    expect(await users(dir)).toEqual([
      {
        id: expect.stringMatching(/^[0-9a-f]{32}$/),
        name: 'alice',
        domain: 'default',
        domain_id: 'default',
        enabled: true,
      },
    ]);
  });

  it('stores the password as an scrypt hash, never in clear', async () => {
    const dir = dirs.make();
    await iam(dir, ['user', 'create', 'alice', '--password', 'findable-clear-text']);
    await iam(dir, ['user', 'list']);
    const files = ['ddm-jobs.sqlite', 'ddm-jobs.sqlite-wal'].map((f) => join(dir, f)).filter(existsSync);
    const bytes = Buffer.concat(files.map((f) => readFileSync(f)));
    expect(bytes.includes('findable-clear-text')).toBe(false);
    expect(bytes.includes('scrypt$')).toBe(true);
  });

  it('reads the password from stdin, without its trailing newline', async () => {
    const dir = dirs.make();
    const out = await iam(dir, ['user', 'create', 'bob', '--password-stdin'], 'from stdin\n');
    expect(out).not.toContain('from stdin');
    expect(out).not.toContain('password');
    expect((await users(dir)).map((u) => u.name)).toEqual(['bob']);
  });

  it('generates a password when none is given and prints it once', async () => {
    const dir = dirs.make();
    const out = await iam(dir, ['user', 'create', 'carol']);
    expect(out).toMatch(/^created user carol in domain default \(id [0-9a-f]{32}\)\n/);
    expect(out).toMatch(/^generated password \(shown this once\): [A-Za-z0-9_-]{24}$/m);
  });

  it('creates users in another domain, the same name as in default', async () => {
    const dir = dirs.make();
    await iam(dir, ['domain', 'create', 'acme', '--id', 'acme-id']);
    await iam(dir, ['user', 'create', 'alice', '--password', 'p']);
    await iam(dir, ['user', 'create', 'alice', '--domain', 'acme', '--password', 'p']);
    expect((await users(dir)).map((u) => [u.name, u.domain, u.domain_id])).toEqual([
      ['alice', 'acme', 'acme-id'],
      ['alice', 'default', 'default'],
    ]);
  });

  it('refuses a duplicate name in the domain with exit 1', async () => {
    const dir = dirs.make();
    await iam(dir, ['user', 'create', 'alice', '--password', 'p']);
    const result = await ddmJobs(['iam', 'user', 'create', 'alice', '--password', 'q', '--data-dir', dir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('ddm-jobs: user alice already exists in domain default\n');
    expect(result.stdout).toBe('');
  });

  it('refuses an empty password on stdin with exit 1', async () => {
    const dir = dirs.make();
    const result = await ddmJobs(['iam', 'user', 'create', 'bob', '--password-stdin', '--data-dir', dir], {
      input: '\n',
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('ddm-jobs: the password on stdin must be 1 to 1024 characters\n');
  });

  it('refuses --password with --password-stdin with exit 2', async () => {
    const dir = dirs.make();
    const result = await ddmJobs([
      'iam',
      'user',
      'create',
      'bob',
      '--password',
      'p',
      '--password-stdin',
      '--data-dir',
      dir,
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("cannot be used with option '--password-stdin'");
  });
});

describe('ddm-jobs iam user list', () => {
  it('prints a table of id, name, domain and enabled', async () => {
    const dir = dirs.make();
    await iam(dir, ['user', 'create', 'alice', '--password', 'p']);
    await iam(dir, ['user', 'create', 'bob', '--password', 'p']);
    const [alice, bob] = await users(dir);
    expect(await iam(dir, ['user', 'list'])).toBe(
      [
        'ID                                NAME   DOMAIN   ENABLED',
        `${alice?.id}  alice  default  true`,
        `${bob?.id}  bob    default  true`,
        '',
      ].join('\n'),
    );
  });
});

describe('ddm-jobs iam user disable, enable, delete, set-password', () => {
  it('disables and enables a user', async () => {
    const dir = dirs.make();
    await iam(dir, ['user', 'create', 'alice', '--password', 'p']);
    expect(await iam(dir, ['user', 'disable', 'alice'])).toBe('disabled user alice in domain default\n');
    expect((await users(dir))[0]?.enabled).toBe(false);
    expect(await iam(dir, ['user', 'enable', 'alice'])).toBe('enabled user alice in domain default\n');
    expect((await users(dir))[0]?.enabled).toBe(true);
  });

  it('deletes a user and its roles', async () => {
    const dir = dirs.make();
    await iam(dir, ['project', 'create', 'tenant-a']);
    await iam(dir, ['user', 'create', 'alice', '--password', 'p']);
    await iam(dir, ['user', 'create', 'bob', '--password', 'p']);
    await iam(dir, ['role', 'grant', 'te_admin', '--user', 'alice', '--project', 'tenant-a']);
    expect(await iam(dir, ['user', 'delete', 'alice'])).toBe('deleted user alice in domain default\n');
    expect((await users(dir)).map((u) => u.name)).toEqual(['bob']);
    expect(await iamList(dir, ['role', 'list'])).toEqual([]);
  });

  it('sets a password from --password or stdin', async () => {
    const dir = dirs.make();
    await iam(dir, ['user', 'create', 'alice', '--password', 'p']);
    expect(await iam(dir, ['user', 'set-password', 'alice', '--password', 'new'])).toBe(
      'set the password of user alice in domain default\n',
    );
    expect(await iam(dir, ['user', 'set-password', 'alice', '--password-stdin'], 'newer\n')).toBe(
      'set the password of user alice in domain default\n',
    );
  });

  it('refuses set-password without a password option with exit 2', async () => {
    const dir = dirs.make();
    await iam(dir, ['user', 'create', 'alice', '--password', 'p']);
    const result = await ddmJobs(['iam', 'user', 'set-password', 'alice', '--data-dir', dir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('set-password needs --password or --password-stdin');
  });

  it.each([['disable'], ['enable'], ['delete'], ['set-password', '--password', 'x']])(
    'refuses %s of an unknown user with exit 1',
    async (command, ...rest) => {
      const dir = dirs.make();
      await iam(dir, ['user', 'create', 'alice', '--password', 'p']);
      const result = await ddmJobs(['iam', 'user', command, 'zed', ...rest, '--data-dir', dir]);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe('ddm-jobs: user zed not found in domain default\n');
    },
  );

  it('finds a user by name in the domain given, not in default', async () => {
    const dir = dirs.make();
    await iam(dir, ['domain', 'create', 'acme']);
    await iam(dir, ['user', 'create', 'alice', '--domain', 'acme', '--password', 'p']);
    const wrongDomain = await ddmJobs(['iam', 'user', 'disable', 'alice', '--data-dir', dir]);
    expect(wrongDomain.code).toBe(1);
    expect(wrongDomain.stderr).toBe('ddm-jobs: user alice not found in domain default\n');
    await iam(dir, ['user', 'disable', 'alice', '--domain', 'acme']);
    expect((await users(dir))[0]?.enabled).toBe(false);
  });
});
