import { spawnSync } from 'node:child_process';

// The README's fenced code blocks, and a shell block cut into the commands a reader types one
// after the other: what test/readme/readme-commands.test.ts runs.

export interface CodeBlock {
  /** The fence's language (`sh`, `ts`), empty when the fence names none. */
  language: string;
  /** The 1-based line of the opening fence in the file. */
  line: number;
  /** The `##` heading the block is under. */
  heading: string;
  /** The block's text, without the fences. */
  code: string;
}

/** Every fenced block of a markdown text (``` fences; none in this README are indented). */
export function codeBlocks(markdown: string): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  const lines = markdown.split('\n');
  let heading = '';
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] as string;
    if (line.startsWith('## ')) heading = line.slice(3).trim();
    const fence = /^```(\S*)\s*$/.exec(line);
    if (!fence) continue;
    const end = lines.findIndex((candidate, at) => at > index && candidate.startsWith('```'));
    if (end < 0) throw new Error(`README.md:${index + 1}: a code block that never closes`);
    blocks.push({
      language: fence[1] ?? '',
      line: index + 1,
      heading,
      code: lines.slice(index + 1, end).join('\n'),
    });
    index = end;
  }
  return blocks;
}

export interface ShellCommand {
  /** The command as written, continuation lines included. */
  text: string;
  /** The 1-based line in the file where it starts. */
  line: number;
  /** The comment lines just before it, without their `#`: what the README says of it. */
  comments: string[];
}

/**
 * Bash itself says whether a text is one or more whole commands (`bash -n`: syntax only, nothing
 * runs); an open quote, `$(`, or a line ending in `|` or `&&` is not. A last line ending in a
 * backslash continues, though bash accepts it at the end of input.
 */
function isComplete(text: string): boolean {
  if (/\\\s*$/.test(text)) return false;
  return spawnSync('bash', ['-n'], { input: text }).status === 0;
}

/**
 * A shell block cut into commands: a command runs over as many lines as bash needs to complete
 * it (a quoted JSON body, backslash continuations); comment lines between commands are the next
 * command's `comments`.
 */
export function shellCommands(block: CodeBlock): ShellCommand[] {
  const commands: ShellCommand[] = [];
  let comments: string[] = [];
  let pending: string[] = [];
  let start = 0;
  block.code.split('\n').forEach((line, index) => {
    const fileLine = block.line + 1 + index;
    if (pending.length === 0) {
      if (line.trim() === '') return;
      if (line.trim().startsWith('#')) {
        comments.push(line.trim().replace(/^#\s?/, ''));
        return;
      }
      start = fileLine;
    }
    pending.push(line);
    const text = pending.join('\n');
    if (!isComplete(text)) return;
    commands.push({ text, line: start, comments });
    comments = [];
    pending = [];
  });
  if (pending.length > 0) throw new Error(`README.md:${start}: a command that never completes`);
  return commands;
}
