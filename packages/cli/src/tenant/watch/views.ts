import { LiveBlock, type Terminal } from './live-block.js';
import { progressRows, summaryRows, type WatchedTask } from './watched-task.js';

/** Where `watch` shows what it polls: live bars on a terminal, or a line per change elsewhere. */
export interface WatchView {
  /** The tasks after a poll, while some still execute. */
  update(tasks: readonly WatchedTask[]): void;
  /** The final state: one summary line per task. */
  finish(tasks: readonly WatchedTask[]): void;
  /** Leaves the terminal as it was (the cursor shown); called on every way out, also twice. */
  close(): void;
}

/** On a terminal: a header and a bar per task, redrawn in place, replaced by the summary at the end. */
export class LiveView implements WatchView {
  readonly #block: LiveBlock;

  constructor(
    terminal: Terminal,
    private readonly options: { color: boolean; intervalMs: number; env?: NodeJS.ProcessEnv },
  ) {
    this.#block = new LiveBlock(terminal, options.env);
  }

  update(tasks: readonly WatchedTask[]): void {
    const count = tasks.length === 1 ? '1 task' : `${tasks.length} tasks`;
    const header = `Watching ${count}, every ${this.options.intervalMs / 1000}s (Ctrl-C to stop)`;
    this.#block.draw([header, ...progressRows(tasks, this.options.color)]);
  }

  finish(tasks: readonly WatchedTask[]): void {
    this.#block.draw(summaryRows(tasks, this.options.color));
    this.#block.close();
  }

  close(): void {
    this.#block.close();
  }
}

/**
 * Not on a terminal (a pipe, a file, a CI log): no cursor movement, one line each time a task's
 * status or percent changes, so a log shows the steps without a line per poll.
 */
export class LineView implements WatchView {
  readonly #printed = new Map<string, string>();

  constructor(
    private readonly print: (line: string) => void,
    private readonly color: boolean,
  ) {}

  update(tasks: readonly WatchedTask[]): void {
    const rows = progressRows(tasks, this.color);
    tasks.forEach((task, i) => {
      const state = `${task.status} ${task.percent}`;
      if (this.#printed.get(task.id) === state) return;
      this.#printed.set(task.id, state);
      this.print(rows[i] as string);
    });
  }

  finish(tasks: readonly WatchedTask[]): void {
    for (const row of summaryRows(tasks, this.color)) this.print(row);
  }

  close(): void {}
}
