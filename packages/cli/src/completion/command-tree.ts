import type { Command } from 'commander';

/**
 * What a shell needs to complete `ddm-jobs`, read from the commander program itself, so that a
 * command or option added later is completed without anyone editing a list.
 */

export interface CompletionItem {
  name: string;
  description: string;
}

export interface CompletionOption {
  /** Every spelling: `-o` and `--output`. */
  flags: string[];
  description: string;
  /** The next word is the option's value (`--output json`), not a command or an option. */
  takesValue: boolean;
  /** The values an option accepts, when it names them (`.choices([...])`). */
  choices: readonly string[];
}

/** One command of the tree: where it is, and what may follow it. */
export interface CompletionNode {
  /** Command names from the program down, [] for the program; with aliases, one node per spelling. */
  path: string[];
  subcommands: CompletionItem[];
  options: CompletionOption[];
  /** The choices of its positional arguments (`completion bash|zsh`). */
  argumentChoices: string[];
}

function firstLine(text: string): string {
  return text.split('\n')[0]?.trim() ?? '';
}

/**
 * Every visible command as seen by `--help` (hidden ones stay hidden), with its own options and
 * those of its ancestors below the program (as `iam`'s `--data-dir`), which commander accepts
 * after the subcommand too. The program's own `--version` is left to the program.
 */
export function completionTree(program: Command): CompletionNode[] {
  const nodes: CompletionNode[] = [];
  const visit = (command: Command, paths: string[][], inherited: CompletionOption[]) => {
    const help = command.createHelp();
    const children = help.visibleCommands(command);
    const own = help.visibleOptions(command).map(
      (option): CompletionOption => ({
        flags: [option.short, option.long].filter((flag): flag is string => flag !== undefined),
        description: firstLine(option.description),
        takesValue: option.required || option.optional,
        choices: option.argChoices ?? [],
      }),
    );
    const seen = new Set(own.flatMap((option) => option.flags));
    const options = [...own, ...inherited.filter((option) => !option.flags.some((flag) => seen.has(flag)))];
    const subcommands = children.flatMap((child) =>
      [child.name(), ...child.aliases()].map((name) => ({
        name,
        description: firstLine(child.description()),
      })),
    );
    const argumentChoices = command.registeredArguments.flatMap((argument) => argument.argChoices ?? []);
    for (const path of paths) nodes.push({ path, subcommands, options, argumentChoices });
    const passedOn = command === program ? [] : options;
    for (const child of children) {
      const names = [child.name(), ...child.aliases()];
      visit(
        child,
        paths.flatMap((path) => names.map((name) => [...path, name])),
        passedOn,
      );
    }
  };
  visit(program, [[]], []);
  return nodes;
}

/** A word quoted for bash and zsh alike: inside single quotes, each `'` written as `'\''`. */
export function shellQuote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}
