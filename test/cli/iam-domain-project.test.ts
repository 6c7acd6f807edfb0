import { afterEach, describe, expect, it } from 'vitest';
import { ddmJobs, iam, iamList, tempDirs } from './cli-process.js';

const dirs = tempDirs();
afterEach(() => dirs.removeAll());

describe('ddm-jobs iam domain', () => {
  it('creates a domain with a generated id beside the default domain', async () => {
    const dir = dirs.make();
    const out = await iam(dir, ['domain', 'create', 'acme']);
    expect(out).toMatch(/^created domain acme \(id [0-9a-f]{32}\)\n$/);
    const domains = await iamList<{ id: string; name: string }>(dir, ['domain', 'list']);
    expect(domains.map((d) => d.name)).toEqual(['acme', 'default']);
    expect(domains.find((d) => d.name === 'default')?.id).toBe('default');
  });

  it('creates a domain with the id given', async () => {
    const dir = dirs.make();
    await iam(dir, ['domain', 'create', 'acme', '--id', 'acme-id']);
    expect(await iamList(dir, ['domain', 'list'])).toContainEqual({ id: 'acme-id', name: 'acme' });
  });

  it('lists domains as a table with a header and aligned columns', async () => {
    const dir = dirs.make();
    await iam(dir, ['domain', 'create', 'acme', '--id', 'a']);
    expect(await iam(dir, ['domain', 'list'])).toBe(
      ['ID       NAME', 'a        acme', 'default  default', ''].join('\n'),
    );
  });

  it('refuses a duplicate domain name with exit 1', async () => {
    const dir = dirs.make();
    await iam(dir, ['domain', 'create', 'acme']);
    const result = await ddmJobs(['iam', 'domain', 'create', 'acme', '--data-dir', dir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('ddm-jobs: domain acme already exists\n');
  });

  it('refuses a domain id that is taken with exit 1', async () => {
    const dir = dirs.make();
    await iam(dir, ['domain', 'create', 'acme', '--id', 'x1']);
    const result = await ddmJobs(['iam', 'domain', 'create', 'other', '--id', 'x1', '--data-dir', dir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('ddm-jobs: domain id x1 is taken by domain acme\n');
  });
});

describe('ddm-jobs iam project', () => {
  it('creates a project in domain default with a 32-hex id', async () => {
    const dir = dirs.make();
    const out = await iam(dir, ['project', 'create', 'tenant-a']);
    const id = /\(id ([0-9a-f]{32})\)/.exec(out)?.[1];
    expect(out).toBe(`created project tenant-a in domain default (id ${id})\n`);
    expect(await iamList(dir, ['project', 'list'])).toEqual([
      { id, name: 'tenant-a', domain: 'default', domain_id: 'default' },
    ]);
  });

  it('creates a project in another domain with the id given', async () => {
    const dir = dirs.make();
    await iam(dir, ['domain', 'create', 'acme', '--id', 'acme-id']);
    await iam(dir, [
      'project',
      'create',
      'tenant-b',
      '--domain',
      'acme',
      '--id',
      '619d3e78f61b4be68bc5aa0b59edcf7b',
    ]);
    expect(await iamList(dir, ['project', 'list'])).toEqual([
      { id: '619d3e78f61b4be68bc5aa0b59edcf7b', name: 'tenant-b', domain: 'acme', domain_id: 'acme-id' },
    ]);
    expect(await iam(dir, ['project', 'list'])).toBe(
      [
        'ID                                NAME      DOMAIN',
        '619d3e78f61b4be68bc5aa0b59edcf7b  tenant-b  acme',
        '',
      ].join('\n'),
    );
  });

  it('allows one project name in two domains, not twice in one', async () => {
    const dir = dirs.make();
    await iam(dir, ['domain', 'create', 'acme']);
    await iam(dir, ['project', 'create', 'shared']);
    await iam(dir, ['project', 'create', 'shared', '--domain', 'acme']);
    const result = await ddmJobs([
      'iam',
      'project',
      'create',
      'shared',
      '--domain',
      'acme',
      '--data-dir',
      dir,
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('ddm-jobs: project shared already exists in domain acme\n');
    expect(await iamList(dir, ['project', 'list'])).toHaveLength(2);
  });

  it('refuses a project id that another project has with exit 1', async () => {
    const dir = dirs.make();
    await iam(dir, ['project', 'create', 'tenant-a', '--id', 'p1']);
    const result = await ddmJobs(['iam', 'project', 'create', 'tenant-b', '--id', 'p1', '--data-dir', dir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('ddm-jobs: project id p1 is taken by project tenant-a\n');
  });

  it('refuses an unknown domain with exit 1', async () => {
    const dir = dirs.make();
    await iam(dir, ['domain', 'create', 'acme']);
    const result = await ddmJobs(['iam', 'project', 'create', 'p', '--domain', 'nowhere', '--data-dir', dir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('ddm-jobs: domain nowhere not found\n');
  });
});

describe('the data folder of ddm-jobs iam', () => {
  it('is read from --data-dir before the subcommand, after it, or DDM_JOBS_DATA_DIR', async () => {
    const dir = dirs.make();
    expect((await ddmJobs(['iam', '--data-dir', dir, 'project', 'create', 'one'])).code).toBe(0);
    expect((await ddmJobs(['iam', 'project', 'create', 'two', '--data-dir', dir])).code).toBe(0);
    expect(
      (await ddmJobs(['iam', 'project', 'create', 'three'], { env: { DDM_JOBS_DATA_DIR: dir } })).code,
    ).toBe(0);
    const names = (await iamList<{ name: string }>(dir, ['project', 'list'])).map((p) => p.name);
    expect(names.sort()).toEqual(['one', 'three', 'two']);
  });

  it('says on stderr, in one line, that it creates the database of a folder that has none', async () => {
    const dir = `${dirs.make()}/new`;
    const first = await ddmJobs(['iam', 'project', 'create', 'one', '--data-dir', dir]);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^created project one /);
    expect(first.stderr).toBe(`ddm-jobs: no database in ${dir}: creating ${dir}/ddm-jobs.sqlite\n`);
    // The next one finds it: nothing to say.
    const second = await ddmJobs(['iam', 'project', 'create', 'two', '--data-dir', dir]);
    expect([second.code, second.stderr]).toEqual([0, '']);
  });

  it('must hold a database for a listing: a mistyped folder is exit 1, not an empty list', async () => {
    const dir = dirs.make();
    const result = await ddmJobs(['iam', 'user', 'list', '--data-dir', `${dir}/typo`]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^ddm-jobs: no database in .*typo/);
    expect(result.stdout).toBe('');
  });
});
