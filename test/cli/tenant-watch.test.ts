import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fitWidth, LiveBlock } from '../../packages/cli/src/tenant/watch/live-block.js';
import { progressBar } from '../../packages/cli/src/tenant/watch/progress-bar.js';
import { CLI } from '../support/processes.js';
import { ddmJobs, REPO, servers, signInAdmin, tempDirs } from './cli-process.js';

/**
 * `ddm-jobs watch` as a real process against a real `ddm-jobs serve --emulator` whose virtual
 * clock the test moves: on a terminal (a pseudo-terminal from util-linux `script`), piped, and
 * stopped with Ctrl-C typed into the terminal.
 */

const MINUTE = 60_000;
const ESC = '\u001b';
const HIDE_CURSOR = `${ESC}[?25l`;
const SHOW_CURSOR = `${ESC}[?25h`;
const CREATE = '7a3e5d10-0f6b-4c4a-9a55-0c1d2e3f4a01';
const RESTART = '7a3e5d10-0f6b-4c4a-9a55-0c1d2e3f4a02';

// Tasks created when the server starts; their clock is the server's, moved by the test.
const SCENARIO = `
project: default
tasks:
  - name: CreateInstance
    id: ${CREATE}
    instance: { id: 9a8b7c6d5e4f40312a1b2c3d4e5f6a7bin09, name: ddm-watched }
    steps:
      - { status: Running, progress: 100, over: 10m }
      - { status: Completed }
  - name: RestartNode
    id: ${RESTART}
    steps:
      - { status: Running, progress: 50, over: 4m }
      - { status: Failed, reason: "Node 2 did not come back." }
  - name: BindEIP
    start: -1h
    steps:
      - { status: Running, over: 1m }
      - { status: Completed }
`;

const dirs = tempDirs();
const running = servers();
const children = new Set<ChildProcess>();
afterEach(async () => {
  for (const child of children) child.kill('SIGKILL');
  children.clear();
  await running.stopAll();
  dirs.removeAll();
});

/**
 * The emulator with the scenario, its virtual clock a minute behind this machine's (the CLI's
 * window ends at the machine's now), the admin's token, and the CLI's environment: nothing of the
 * developer's OS_* settings or clouds.yaml, colour left to the terminal.
 */
async function emulator(scenario = SCENARIO) {
  const file = join(dirs.make(), 'scenario.yaml');
  writeFileSync(file, scenario);
  const clockStart = new Date(Math.floor(Date.now() / 1000) * 1000 - MINUTE).toISOString();
  const { url } = await running.start(dirs.make(), [
    '--emulator',
    '--clock',
    'virtual',
    '--clock-start',
    clockStart,
    '--scenario',
    file,
  ]);
  const { token, projectId } = await signInAdmin(url);
  const home = dirs.make();
  const base = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !/^(OS_|DDM_|NO_COLOR$|FORCE_COLOR$|COLUMNS$|LINES$|TERM$)/.test(name),
    ),
  );
  const env: NodeJS.ProcessEnv = {
    ...base,
    HOME: home,
    XDG_CONFIG_HOME: home,
    OS_AUTH_TOKEN: token,
    OS_PROJECT_ID: projectId,
    DDM_ENDPOINT: url,
    TERM: 'xterm-256color',
    COLUMNS: '140',
    LINES: '30',
  };
  const advance = async (ms: number) => {
    const response = await fetch(`${url}/internal/v1/clock`, {
      method: 'POST',
      headers: { 'x-auth-token': token, 'content-type': 'application/json' },
      body: JSON.stringify({ advance_ms: ms }),
    });
    expect(response.status).toBe(200);
  };
  return { env, advance };
}

const quote = (word: string) => `'${word.replaceAll("'", `'\\''`)}'`;

/**
 * `ddm-jobs ARGS` running, its output collected: on a pseudo-terminal (`script -qfec`, whose
 * child sees a TTY; typing into its stdin is typing at that terminal) or with stdout a pipe.
 */
function start(args: string[], env: NodeJS.ProcessEnv, tty: boolean) {
  const command = ['exec', process.execPath, CLI, ...args].map(quote).join(' ');
  const child = tty
    ? spawn('script', ['-qfec', command, '/dev/null'], { cwd: REPO, env })
    : spawn(process.execPath, [CLI, ...args], { cwd: REPO, env });
  children.add(child);
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return {
    output: () => output,
    exited,
    type: (text: string) => child.stdin?.write(text),
    /** Waits until `pattern` shows after `from`; the index after the match. */
    async waitFor(pattern: RegExp, from = 0, timeoutMs = 15_000): Promise<number> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const match = pattern.exec(output.slice(from));
        if (match) return from + match.index + match[0].length;
        if (Date.now() > deadline || child.exitCode !== null)
          throw new Error(`no ${pattern} after ${from} in:\n${JSON.stringify(output)}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
  };
}

describe('ddm-jobs watch on a terminal', () => {
  it('redraws a bar per executing task as they advance, then prints how each ended and exits 0', async () => {
    const { env, advance } = await emulator();
    const watch = start(['watch', '--interval', '0.2'], env, true);
    // Both rows of one frame, in either order, after `from`: where the later one ends.
    const frame = async (from: number, create: RegExp, restart: RegExp) =>
      Math.max(await watch.waitFor(create, from), await watch.waitFor(restart, from));
    let at = await frame(0, /CreateInstance .*\[-{20}\] {3}0%/, /RestartNode .*\[-{20}\] {3}0%/);
    await advance(2 * MINUTE);
    at = await frame(at, /CreateInstance .*\[#{4}-{16}\] {2}20%/, /RestartNode .*\[#{5}-{15}\] {2}25%/);
    await advance(4 * MINUTE);
    // The failed task keeps its place and the last percent seen of it.
    at = await frame(
      at,
      /CreateInstance .*\[#{12}-{8}\] {2}60%/,
      /RestartNode .*Failed.*\[#{5}-{15}\] {2}25%/,
    );
    await advance(5 * MINUTE);
    expect(await watch.exited).toBe(0);
    const output = watch.output();
    const summary = output.slice(output.lastIndexOf(`${ESC}[3A`));
    expect(summary).toMatch(new RegExp(`CreateInstance .*Completed.*${ESC}\\[39m +${CREATE}  after 10m`));
    expect(summary).toMatch(
      new RegExp(`RestartNode .*Failed.*${RESTART}  after 4m: Node 2 did not come back\\.`),
    );
    expect(summary).not.toContain('[#');
    // A finished task of the window is not watched.
    expect(output).not.toContain('BindEIP');
    // Drawn in place: the cursor hidden, moved up over the 3-line block (header and two bars) and
    // shown again at the end; statuses in colour (a terminal, no NO_COLOR).
    expect(output.startsWith(HIDE_CURSOR)).toBe(true);
    expect(output).toContain(`${ESC}[3A\r${ESC}[2KWatching 2 tasks, every 0.2s (Ctrl-C to stop)`);
    expect(output).toContain(`${ESC}[33mRunning${ESC}[39m`);
    expect(output.trimEnd().endsWith(SHOW_CURSOR)).toBe(true);
  });

  it('with an ID follows that task and exits 1 when it fails, showing the reason', async () => {
    const { env, advance } = await emulator();
    const watch = start(['watch', RESTART, '--interval', '0.2'], env, true);
    let at = await watch.waitFor(/Watching 1 task,[^\n]*\n[^\n]*RestartNode .*\[-{20}\] {3}0%/);
    await advance(2 * MINUTE);
    at = await watch.waitFor(/RestartNode .*Running.*\[#{5}-{15}\] {2}25%/, at);
    await advance(2 * MINUTE);
    expect(await watch.exited).toBe(1);
    expect(watch.output().slice(at)).toMatch(/RestartNode {2}.*Failed.*after 4m: Node 2 did not come back\./);
    expect(watch.output()).not.toContain('CreateInstance');
  });

  it('stops on Ctrl-C with exit 130, the cursor shown again', async () => {
    const { env } = await emulator();
    const watch = start(['watch', '--interval', '0.2'], env, true);
    await watch.waitFor(/CreateInstance .*\[-{20}\] {3}0%/);
    watch.type('\u0003');
    expect(await watch.exited).toBe(130);
    const output = watch.output();
    expect(output.lastIndexOf(SHOW_CURSOR)).toBeGreaterThan(output.lastIndexOf(HIDE_CURSOR));
    expect(output.trimEnd().endsWith(SHOW_CURSOR)).toBe(true);
  });
});

describe('ddm-jobs watch piped', () => {
  it('prints a line per change with no escape codes, and exits 0 when the task completes', async () => {
    const { env, advance } = await emulator();
    const watch = start(['watch', CREATE, '--interval', '0.2'], env, false);
    let at = await watch.waitFor(/ {3}0%/);
    // Polls at an unchanged percent print nothing more.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await advance(3 * MINUTE);
    at = await watch.waitFor(/ {2}30%/, at);
    await advance(8 * MINUTE);
    expect(await watch.exited).toBe(0);
    const lines = watch.output().trimEnd().split('\n');
    expect(lines).toEqual([
      `CreateInstance  Running  [--------------------]   0%  ${CREATE}  ddm-watched`,
      `CreateInstance  Running  [######--------------]  30%  ${CREATE}  ddm-watched`,
      `CreateInstance  Completed  ${CREATE}  after 10m`,
    ]);
    expect(watch.output()).not.toContain(ESC);
  });

  it('says so and exits 0 when no task is executing', async () => {
    const { env } = await emulator(`
project: default
tasks:
  - name: BindEIP
    start: -1h
    steps:
      - { status: Running, over: 1m }
      - { status: Completed }
`);
    const watch = start(['watch', '--since', '2h'], env, false);
    expect(await watch.exited).toBe(0);
    expect(watch.output()).toBe('No task created in the last 2h is executing.\n');
  });
});

describe('ddm-jobs watch usage', () => {
  it('refuses an interval under 0.2 s and a window past 30 days as usage errors (exit 2)', async () => {
    const fast = await ddmJobs(['watch', '--interval', '0.1']);
    expect(fast.code).toBe(2);
    expect(fast.stderr).toContain("option '--interval <seconds>' argument '0.1' is invalid");
    const far = await ddmJobs(['watch', '--since', '31d']);
    expect(far.code).toBe(2);
    expect(far.stderr).toContain("option '--since <duration>' argument '31d' is invalid");
  });

  it('documents both modes, the exit codes and examples in --help', async () => {
    const help = (await ddmJobs(['watch', '--help'])).stdout;
    expect(help).toContain('Usage: ddm-jobs watch [options] [id]');
    expect(help).toContain('1 when it ends Failed');
    expect(help).toContain('Ctrl-C stops it (exit 130)');
    expect(help).toContain('$ ddm-jobs watch --since 2h --interval 0.5');
  });
});

describe('the live block and the bar (in-process)', () => {
  it('cuts a line to the width counting only what shows, and resets a colour cut off', () => {
    const red = `${ESC}[31mFailed${ESC}[39m`;
    expect(fitWidth(`ab ${red} cd`, 100)).toBe(`ab ${red} cd`);
    expect(fitWidth(`ab ${red} cd`, 5)).toBe(`ab ${ESC}[31mFa${ESC}[0m`);
    expect(fitWidth('plain text', 5)).toBe('plain');
  });

  it('keeps the block inside the terminal, redraws only a changed frame, and shows the cursor once', () => {
    const written: string[] = [];
    const block = new LiveBlock({ write: (text: string) => written.push(text), columns: 20, rows: 4 }, {});
    block.draw(['header', 'one', 'two', 'three', 'four']);
    expect(written[0]).toBe(`${HIDE_CURSOR}\r${ESC}[2Kheader\n${ESC}[2Kone\n${ESC}[2K… and 3 more\n${ESC}[J`);
    block.draw(['header', 'one', 'two', 'three', 'four']);
    expect(written).toHaveLength(1);
    // One column spare: a line filling the last one makes some terminals wrap.
    block.draw(['abcdefghijklmnopqrstuvwxyz']);
    expect(written[1]).toBe(`${ESC}[3A\r${ESC}[2Kabcdefghijklmnopqrs\n${ESC}[J`);
    block.close();
    block.close();
    expect(written.slice(2)).toEqual([SHOW_CURSOR]);
  });

  it('draws a bar of fixed length whatever the percent', () => {
    expect(progressBar(50, 10)).toBe('[#####-----]  50%');
    expect(progressBar(0)).toBe('[--------------------]   0%');
    expect(progressBar(100)).toBe('[####################] 100%');
    expect(progressBar(undefined, 4)).toBe('[----]    -');
  });
});
