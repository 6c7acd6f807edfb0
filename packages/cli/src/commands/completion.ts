import { Argument, type Command } from 'commander';
import { bashCompletion } from '../completion/bash-script.js';
import { zshCompletion } from '../completion/zsh-script.js';

/**
 * `ddm-jobs completion bash|zsh`: prints a completion script generated from the program's own
 * command tree when it runs, so every command registered in main.ts is completed.
 */
export function completionCommand(program: Command): void {
  program
    .command('completion')
    .description('print a bash or zsh completion script for ddm-jobs')
    .addArgument(new Argument('<shell>', 'the shell').choices(['bash', 'zsh']))
    .addHelpText(
      'after',
      `
The script completes commands, subcommands and options (and the values of options that list
them), generated from this version's commands: generate it again after an upgrade.

Install:
  bash, for this shell:   source <(ddm-jobs completion bash)
  bash, for good:         echo 'source <(ddm-jobs completion bash)' >> ~/.bashrc
  zsh, into $fpath:       ddm-jobs completion zsh > "\${fpath[1]}/_ddm-jobs"   (then start a new shell)
  zsh, from ~/.zshrc:     source <(ddm-jobs completion zsh)   (after compinit)

Examples:
  $ ddm-jobs completion bash > /etc/bash_completion.d/ddm-jobs
  $ ddm-jobs completion zsh > ~/.zfunc/_ddm-jobs`,
    )
    .action((shell: 'bash' | 'zsh') => {
      process.stdout.write(shell === 'bash' ? bashCompletion(program) : zshCompletion(program));
    });
}
