import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bashCompletion } from '../../packages/cli/src/completion/bash-script.js';
import { ddmJobs, tempDirs } from './cli-process.js';

/**
 * `ddm-jobs completion bash|zsh`: the scripts are generated from the program's commands. The bash
 * script is sourced into a real bash and its completion function called as bash would call it
 * (COMP_WORDS, COMP_CWORD); zsh is not installed here, so its script is checked by content (and
 * by `zsh -n` where zsh exists).
 */

const dirs = tempDirs();
let bashScript: string;
afterAll(() => dirs.removeAll());
beforeAll(async () => {
  const result = await ddmJobs(['completion', 'bash']);
  expect(result.code).toBe(0);
  bashScript = join(dirs.make(), 'ddm-jobs.bash');
  writeFileSync(bashScript, result.stdout);
});

/** What bash offers for the words typed so far, the last being the word completed ('' for none). */
function complete(script: string, words: string[], fn = '_ddm_jobs'): string[] {
  const run = spawnSync(
    'bash',
    [
      '-c',
      `source "$1" || exit 9; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); ${fn}; printf '%s\\n' "\${COMPREPLY[@]}"`,
      'bash',
      script,
      ...words,
    ],
    { encoding: 'utf8' },
  );
  if (run.status !== 0) throw new Error(`bash exited ${run.status}: ${run.stderr}`);
  expect(run.stderr).toBe('');
  return run.stdout.split('\n').filter(Boolean);
}

/** The commands `ddm-jobs --help` lists, read from its sections headed "... commands:". */
async function helpCommands(): Promise<string[]> {
  const help = (await ddmJobs(['--help'])).stdout;
  const sections = help
    .split('\n\n')
    .filter((section) => /^[A-Za-z ]*commands:$/im.test(section.split('\n')[0] ?? ''));
  return sections.flatMap((section) =>
    [...section.matchAll(/^ {2}([a-z][a-z-]*)/gm)].map((m) => m[1] as string),
  );
}

describe('ddm-jobs completion bash', () => {
  it('offers every command of --help, the tenant commands among them, after `ddm-jobs `', async () => {
    const offered = complete(bashScript, ['ddm-jobs', '']);
    const commands = await helpCommands();
    expect(commands).toEqual(
      expect.arrayContaining(['list', 'get', 'watch', 'cancel', 'completion', 'serve']),
    );
    expect(offered.sort()).toEqual([...commands].sort());
    expect(complete(bashScript, ['ddm-jobs', 'w'])).toEqual(['watch']);
  });

  it("offers list's options after `ddm-jobs list --`, and watch's after `ddm-jobs watch --`", () => {
    const list = complete(bashScript, ['ddm-jobs', 'list', '--']);
    expect(list).toEqual(
      expect.arrayContaining([
        '--since',
        '--status',
        '--name',
        '--output',
        '--os-cloud',
        '--endpoint',
        '--help',
      ]),
    );
    expect(list).not.toContain('--interval');
    const watch = complete(bashScript, ['ddm-jobs', 'watch', '--']);
    expect(watch).toEqual(expect.arrayContaining(['--since', '--interval', '--os-auth-url', '--help']));
    expect(watch).not.toContain('--status');
  });

  it('offers the values an option or argument names, and nothing where a value is free', () => {
    expect(complete(bashScript, ['ddm-jobs', 'list', '--output', '']).sort()).toEqual([
      'json',
      'table',
      'yaml',
    ]);
    expect(complete(bashScript, ['ddm-jobs', 'list', '--output', '=', 'y'])).toEqual(['yaml']);
    expect(complete(bashScript, ['ddm-jobs', 'completion', '']).sort()).toEqual(['bash', 'zsh']);
    expect(complete(bashScript, ['ddm-jobs', 'serve', '--clock', '']).sort()).toEqual(['real', 'virtual']);
    // A free value (a duration here): nothing offered, so bash's default (file names) applies.
    expect(complete(bashScript, ['ddm-jobs', 'watch', '--since', ''])).toEqual([]);
  });

  it('follows nested commands past options and their values', () => {
    expect(complete(bashScript, ['ddm-jobs', 'iam', 'user', ''])).toEqual(
      expect.arrayContaining(['create', 'list']),
    );
    // `--data-dir x` is iam's option and its value: `user` is still found as the subcommand.
    expect(complete(bashScript, ['ddm-jobs', 'iam', '--data-dir', 'user', 'user', 'cr'])).toEqual(['create']);
    expect(complete(bashScript, ['ddm-jobs', 'iam', 'user', 'create', '--d'])).toEqual(
      expect.arrayContaining(['--domain', '--data-dir', '--database-url']),
    );
  });

  it('completes a command added to a program without any list to edit', () => {
    const program = new Command('tool');
    program
      .command('frobnicate')
      .description('a command no one listed')
      .addOption(new Option('--wibble <level>', 'how much').choices(['low', 'high']))
      .command('deeper')
      .option('--quietly');
    const script = join(dirs.make(), 'tool.bash');
    writeFileSync(script, bashCompletion(program));
    expect(complete(script, ['tool', ''], '_tool')).toEqual(['frobnicate', 'help']);
    expect(complete(script, ['tool', 'frobnicate', '--'], '_tool')).toEqual(['--wibble', '--help']);
    expect(complete(script, ['tool', 'frobnicate', '--wibble', 'h'], '_tool')).toEqual(['high']);
    expect(complete(script, ['tool', 'frobnicate', '--wibble', 'low', 'deeper', '--q'], '_tool')).toEqual([
      '--quietly',
    ]);
  });

  it('registers itself for ddm-jobs with file names as the fallback', async () => {
    const run = spawnSync('bash', ['-c', 'source "$1"; complete -p ddm-jobs', 'bash', bashScript], {
      encoding: 'utf8',
    });
    expect(run.stdout.trim()).toBe('complete -o default -F _ddm_jobs ddm-jobs');
  });
});

describe('ddm-jobs completion zsh', () => {
  const hasZsh = spawnSync('zsh', ['--version']).status === 0;

  it('is a #compdef file naming every command with its description, and registers itself when sourced', async () => {
    const result = await ddmJobs(['completion', 'zsh']);
    expect(result.code).toBe(0);
    expect(result.stdout.startsWith('#compdef ddm-jobs\n')).toBe(true);
    const root = /\(''\) reply=\((.*)\) ;;/.exec(result.stdout)?.[1] ?? '';
    for (const command of await helpCommands()) expect(root).toMatch(new RegExp(`'${command}:[^']+'`));
    expect(root).toContain("'watch:show live progress bars");
    expect(result.stdout).toContain("('list|-o'|'list|--output') reply=('table' 'json' 'yaml'); return 0 ;;");
    expect(result.stdout).toContain('compdef _ddm-jobs ddm-jobs');
  });

  it.skipIf(!hasZsh)('parses as zsh (zsh -n)', async () => {
    const script = join(dirs.make(), '_ddm-jobs');
    writeFileSync(script, (await ddmJobs(['completion', 'zsh'])).stdout);
    expect(spawnSync('zsh', ['-n', script], { encoding: 'utf8' }).stderr).toBe('');
  });
});

describe('ddm-jobs completion --help and usage', () => {
  it('documents how to install each script', async () => {
    const help = await ddmJobs(['completion', '--help']);
    expect(help.stdout).toContain('source <(ddm-jobs completion bash)');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: zsh's ${fpath[1]}, as the help prints it.
    expect(help.stdout).toContain('ddm-jobs completion zsh > "${fpath[1]}/_ddm-jobs"');
  });

  it('refuses another shell as a usage error (exit 2)', async () => {
    const result = await ddmJobs(['completion', 'fish']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      "value 'fish' is invalid for argument 'shell'. Allowed choices are bash, zsh.",
    );
  });
});
