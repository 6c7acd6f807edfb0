const ESC = '\u001b[';
export const HIDE_CURSOR = `${ESC}?25l`;
export const SHOW_CURSOR = `${ESC}?25h`;
const CLEAR_LINE = `${ESC}2K`;
const CLEAR_BELOW = `${ESC}J`;
const RESET = `${ESC}0m`;

// A CSI escape sequence (colour, cursor): no width on screen.
// biome-ignore lint/suspicious/noControlCharactersInRegex: ESC is what the pattern is about.
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/y;

/**
 * `line` cut to `width` visible characters, escape sequences kept whole and not counted; a cut
 * line ends with a reset so that a colour cut off mid-word does not bleed into the next line.
 */
export function fitWidth(line: string, width: number): string {
  let visible = 0;
  let out = '';
  for (let i = 0; i < line.length; ) {
    ANSI.lastIndex = i;
    const sequence = ANSI.exec(line);
    if (sequence) {
      out += sequence[0];
      i += sequence[0].length;
      continue;
    }
    const char = String.fromCodePoint(line.codePointAt(i) as number);
    if (visible === width) return line.includes('\u001b') ? out + RESET : out;
    out += char;
    visible += 1;
    i += char.length;
  }
  return out;
}

/** What the block needs of the terminal: where to write and its size (0 when unknown). */
export interface Terminal {
  write(text: string): unknown;
  columns?: number;
  rows?: number;
}

/**
 * A block of lines redrawn in place on a terminal: each frame moves the cursor back up to the
 * block's first line and writes over it, so a watch that runs for an hour leaves one block on
 * screen, not a scroll of frames. Lines are cut to the terminal's width (a wrapped line would
 * take two rows and throw the count off) and the block to its height (the cursor cannot move
 * above the screen's top). The cursor is hidden while drawing; `close` shows it again, and must
 * be called on every way out (end, error, Ctrl-C).
 */
export class LiveBlock {
  #drawn = 0;
  #hidden = false;
  /** The last frame written: a poll that changed nothing writes nothing. */
  #last = '';

  constructor(
    private readonly terminal: Terminal,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  /** The terminal's size; under a pseudo-terminal without a size, COLUMNS and LINES, else 80×24. */
  private size(): { columns: number; rows: number } {
    return {
      columns: this.terminal.columns || Number(this.env.COLUMNS) || 80,
      rows: this.terminal.rows || Number(this.env.LINES) || 24,
    };
  }

  draw(lines: readonly string[]): void {
    const { columns, rows } = this.size();
    // One row spare for the cursor's own line under the block.
    const room = Math.max(1, rows - 1);
    const shown =
      lines.length <= room ? lines : [...lines.slice(0, room - 1), `… and ${lines.length - room + 1} more`];
    // columns - 1: a line that fills the last column leaves some terminals wrapping on the newline.
    const body = shown.map((line) => `${CLEAR_LINE}${fitWidth(line, Math.max(1, columns - 1))}\n`).join('');
    if (this.#hidden && body === this.#last) return;
    let frame = this.#hidden ? '' : HIDE_CURSOR;
    if (this.#drawn > 0) frame += `${ESC}${this.#drawn}A`;
    this.terminal.write(`${frame}\r${body}${CLEAR_BELOW}`);
    this.#hidden = true;
    this.#last = body;
    this.#drawn = shown.length;
  }

  /** Shows the cursor again; the cursor is already on the line under the block. Safe to repeat. */
  close(): void {
    if (!this.#hidden) return;
    this.#hidden = false;
    this.terminal.write(SHOW_CURSOR);
  }
}
