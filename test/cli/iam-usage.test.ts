import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ddmJobs, tempDirs } from './cli-process.js';

const dirs = tempDirs();
afterAll(() => dirs.removeAll());

const COMMANDS = [
  'iam',
  'iam domain',
  'iam domain create',
  'iam domain list',
  'iam project',
  'iam project create',
  'iam project list',
  'iam user',
  'iam user create',
  'iam user list',
  'iam user disable',
  'iam user enable',
  'iam user delete',
  'iam user set-password',
  'iam role',
  'iam role grant',
  'iam role revoke',
  'iam role list',
];

describe('ddm-jobs iam --help', () => {
  it.concurrent.each(COMMANDS)('%s --help shows examples of itself and --data-dir', async (command) => {
    const result = await ddmJobs([...command.split(' '), '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Usage: ddm-jobs ${command} `);
    expect(result.stdout).toMatch(new RegExp(`\\nExamples:\\n( {2}\\$ .*ddm-jobs ${command}( .*)?\\n)+`));
    expect(result.stdout).toContain('--data-dir <dir>');
    expect(result.stdout).toContain('DDM_JOBS_DATA_DIR');
  });
});

describe('usage errors of ddm-jobs iam', () => {
  it.concurrent.each([
    ['no subcommand', ['iam']],
    ['an unknown subcommand', ['iam', 'group', 'list']],
    ['an unknown option', ['iam', 'user', 'list', '--verbose']],
    ['a missing name', ['iam', 'user', 'create']],
    ['an extra argument', ['iam', 'domain', 'list', 'extra']],
    ['an empty name', ['iam', 'project', 'create', '']],
    ['a name with a control character', ['iam', 'user', 'create', 'a\tb']],
    ['a name of 65 characters', ['iam', 'domain', 'create', 'x'.repeat(65)]],
    ['an id with a slash', ['iam', 'project', 'create', 'p', '--id', 'a/b']],
    ['a role with a space', ['iam', 'role', 'grant', 'te admin', '--user', 'u', '--project', 'p']],
    ['an empty --password', ['iam', 'user', 'create', 'alice', '--password', '']],
    ['a missing --user on grant', ['iam', 'role', 'grant', 'te_admin', '--project', 'p']],
    ['a missing --project on revoke', ['iam', 'role', 'revoke', 'te_admin', '--user', 'u']],
    ['an unknown --output', ['iam', 'user', 'list', '--output', 'yaml']],
    ['a missing --data-dir value', ['iam', 'user', 'list', '--data-dir']],
  ])('exits 2 on %s, touching no data folder', async (_what, args) => {
    const dir = dirs.make();
    // --data-dir last, except where the case is a missing value for it.
    const withDir = args.includes('--data-dir') ? args : [...args, '--data-dir', dir];
    const result = await ddmJobs(withDir);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/error|Usage/);
    expect(existsSync(join(dir, 'ddm-jobs.sqlite'))).toBe(false);
  });
});
