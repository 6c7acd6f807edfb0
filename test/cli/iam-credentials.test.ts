import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ddmJobs, iam, iamList, tempDirs } from './cli-process.js';

const dirs = tempDirs();
afterEach(() => dirs.removeAll());

interface CredentialRow {
  access_key: string;
  user: string;
  domain: string;
  enabled: boolean;
}
const credentials = (dir: string, extra: string[] = []) =>
  iamList<CredentialRow>(dir, ['credentials', 'list', ...extra]);

async function withUser(): Promise<string> {
  const dir = dirs.make();
  await iam(dir, ['user', 'create', 'alice', '--password', 'alice secret']);
  return dir;
}

const PAIR = /^access key: ([A-Z0-9]{20})\nsecret key \(shown this once\): ([A-Za-z0-9]{40})$/m;

describe('ddm-jobs iam credentials', () => {
  it('creates a pair for a user, prints the secret key once, and lists it without the secret', async () => {
    const dir = await withUser();
    const out = await iam(dir, ['credentials', 'create', '--user', 'alice']);
    expect(out).toMatch(/^created an access key for user alice in domain default\n/);
    const [, ak, sk] = PAIR.exec(out) as RegExpExecArray;
    expect(await credentials(dir)).toEqual([
      expect.objectContaining({ access_key: ak, user: 'alice', domain: 'default', enabled: true }),
    ]);
    const table = await iam(dir, ['credentials', 'list']);
    expect(table).toMatch(/^ACCESS KEY\s+USER\s+DOMAIN\s+ENABLED\s+CREATED\n/);
    expect(table).not.toContain(sk);
    // The key file is the owner's only; the database holds no secret key in clear.
    expect(statSync(join(dir, 'credential.key')).mode & 0o777).toBe(0o600);
    const files = ['ddm-jobs.sqlite', 'ddm-jobs.sqlite-wal'].map((f) => join(dir, f)).filter(existsSync);
    const bytes = Buffer.concat(files.map((f) => readFileSync(f)));
    expect(bytes.includes(ak as string)).toBe(true);
    expect(bytes.includes(sk as string)).toBe(false);
  });

  it('disables, enables and deletes a key', async () => {
    const dir = await withUser();
    const [, ak] = PAIR.exec(await iam(dir, ['credentials', 'create', '--user', 'alice'])) as RegExpExecArray;
    expect(await iam(dir, ['credentials', 'disable', ak as string])).toBe(`disabled access key ${ak}\n`);
    expect((await credentials(dir))[0]?.enabled).toBe(false);
    await iam(dir, ['credentials', 'enable', ak as string]);
    expect((await credentials(dir))[0]?.enabled).toBe(true);
    expect(await iam(dir, ['credentials', 'delete', ak as string])).toBe(`deleted access key ${ak}\n`);
    expect(await credentials(dir)).toEqual([]);
  });

  it('fails with exit 1 for an unknown key or user, and 2 for a malformed key', async () => {
    const dir = await withUser();
    const unknown = await ddmJobs([
      'iam',
      'credentials',
      'disable',
      'NOSUCHAK000000000001',
      '--data-dir',
      dir,
    ]);
    expect([unknown.code, unknown.stderr]).toEqual([
      1,
      expect.stringContaining('access key NOSUCHAK000000000001 not found'),
    ]);
    const noUser = await ddmJobs(['iam', 'credentials', 'create', '--user', 'bob', '--data-dir', dir]);
    expect([noUser.code, noUser.stderr]).toEqual([1, expect.stringContaining('user bob not found')]);
    const malformed = await ddmJobs(['iam', 'credentials', 'delete', 'lowercase', '--data-dir', dir]);
    expect(malformed.code).toBe(2);
  });

  it('deletes a user’s keys with the user', async () => {
    const dir = await withUser();
    await iam(dir, ['credentials', 'create', '--user', 'alice']);
    await iam(dir, ['user', 'delete', 'alice']);
    expect(await credentials(dir)).toEqual([]);
  });

  it('rotates the key: a new key file, and every secret key re-sealed with it', async () => {
    const dir = await withUser();
    const keyFile = join(dir, 'elsewhere', 'credential.key');
    const created = await iam(dir, [
      'credentials',
      'create',
      '--user',
      'alice',
      '--credential-key-file',
      keyFile,
    ]);
    const [, ak] = PAIR.exec(created) as RegExpExecArray;
    const before = readFileSync(keyFile, 'utf8');
    const out = await iam(dir, ['credentials', 'rotate-key', '--credential-key-file', keyFile]);
    expect(out).toBe(`rotated the key in ${keyFile}; re-sealed 1 secret key\n`);
    expect(readFileSync(keyFile, 'utf8')).not.toBe(before);
    expect(existsSync(`${keyFile}.new`)).toBe(false);
    expect(existsSync(join(dir, 'credential.key'))).toBe(false);
    expect((await credentials(dir)).map((c) => c.access_key)).toEqual([ak]);
  });
});
