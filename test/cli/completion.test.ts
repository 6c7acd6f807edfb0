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
 * (COMP_WORDS, COMP_CWORD). The zsh script runs in a real zsh too, its completion function called
 * with `words` and `CURRENT` as zsh's completion system sets them, and zsh's own completion
 * builtins (`_describe`, `compadd`, `_files`) replaced by functions that print what they are given.
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

  it('parses as zsh (zsh -n)', async () => {
    const script = join(dirs.make(), '_ddm-jobs');
    writeFileSync(script, (await ddmJobs(['completion', 'zsh'])).stdout);
    const run = spawnSync('zsh', ['-n', script], { encoding: 'utf8' });
    expect(run.error).toBeUndefined();
    expect(run.stderr).toBe('');
  });

  it("offers the commands, a command's options and an option's values when zsh calls it", async () => {
    const script = join(dirs.make(), '_ddm-jobs');
    writeFileSync(script, (await ddmJobs(['completion', 'zsh'])).stdout);
    expect(zshComplete(script, ['ddm-jobs', ''])).toEqual(
      expect.arrayContaining([
        'list:list the tasks created in a time window (default: the last 7 days), newest first',
      ]),
    );
    const commands = zshComplete(script, ['ddm-jobs', '']).map((line) => line.split(':')[0]);
    expect(commands.sort()).toEqual((await helpCommands()).sort());
    const listOptions = zshComplete(script, ['ddm-jobs', 'list', '--']).map((line) => line.split(':')[0]);
    expect(listOptions).toEqual(expect.arrayContaining(['--since', '--status', '--output', '--os-cloud']));
    expect(zshComplete(script, ['ddm-jobs', 'list', '--output', ''])).toEqual(['table', 'json', 'yaml']);
    expect(zshComplete(script, ['ddm-jobs', 'iam', '--data-dir', 'x', 'user', ''])).toEqual(
      expect.arrayContaining([expect.stringMatching(/^create:/), expect.stringMatching(/^set-password:/)]),
    );
    // A free value (a folder) falls back to file names.
    expect(zshComplete(script, ['ddm-jobs', 'serve', '--data-dir', ''])).toEqual(['<files>']);
  });
});

/**
 * What the zsh script offers for the words typed so far (the last one being completed): its
 * function runs in a real zsh with the completion builtins printing the candidates they get.
 */
function zshComplete(script: string, words: string[]): string[] {
  const program = [
    'compdef() { :; }',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: zsh's parameter expansion
    '_describe() { print -rl -- "${(@P)4}"; }',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: zsh's parameter expansion
    'compadd() { [[ $1 == -a ]] && print -rl -- "${(@P)2}"; }',
    "_files() { print -r -- '<files>'; }",
    'source "$1" || exit 9',
    'shift',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: zsh's parameter expansion
    'words=("$@"); CURRENT=$#; PREFIX=${words[CURRENT]}',
    '_ddm-jobs',
  ].join('\n');
  const run = spawnSync('zsh', ['-c', program, 'zsh', script, ...words], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`zsh exited ${run.status}: ${run.stderr}`);
  expect(run.stderr).toBe('');
  return run.stdout.split('\n').filter((line) => line !== '');
}

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
