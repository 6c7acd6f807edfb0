import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO } from '../support/processes.js';
import {
  type BashSession,
  openBashSession,
  type StartedServer,
  type StepResult,
  startInBash,
} from './bash-session.js';
import { type CodeBlock, codeBlocks, type ShellCommand, shellCommands } from './readme-blocks.js';

// Every command of the README works as written: each code block a reader could run is run here,
// in bash, as a reader would (one terminal for the steps, a second one for each server start
// line), or listed below as not run, with why. A block added to the README without either fails
// the first test. Only two things differ from a reader's terminal: each start line gets a free
// port and a fresh data folder through DDM_JOBS_PORT and DDM_JOBS_DATA_DIR (the lines give
// neither flag), so the steps' `127.0.0.1:8080` becomes that port; and the environment is
// cleared of the developer's DDM_JOBS_*, OS_* and npm settings.

const README = readFileSync(join(REPO, 'README.md'), 'utf8');
const BLOCKS = codeBlocks(README);

/** The blocks this file runs, by how their first line starts. */
const RUN = {
  setUp: 'npm ci && npm start',
  walkThrough: '# 1. A token',
  cli: 'export OS_AUTH_URL=',
  sdk: "import { DdmClient, isDdmApiError } from '@ddm-jobs/client'",
  emulator: 'npx ddm-jobs serve --emulator',
};

/** The blocks not run, with why. */
const NOT_RUN: { starts: string; why: string }[] = [
  {
    starts: 'npm ci && npm test',
    why: 'it is this suite itself, and npm ci would replace node_modules under the running tests; CI runs the line on a fresh clone (.ci/run)',
  },
  {
    starts: 'export DDM_JOBS_DATABASE_URL=postgres://ddm:secret@db.example.com',
    why: "a deployment's own database server and key path (/etc/ddm-jobs); test/cli/serve-postgres.test.ts runs migrate, serve on two nodes and iam against the run's PostgreSQL",
  },
  {
    starts: 'npm run pack',
    why: 'npm install -g changes the machine; test/packaging/install.test.ts packs, installs the tarball globally into a temporary prefix and runs ddm-jobs serve from another folder',
  },
];

/** Fences of code a reader could paste somewhere and run (none: no language given). */
const RUNNABLE_LANGUAGES = new Set([
  '',
  'sh',
  'bash',
  'shell',
  'console',
  'ts',
  'typescript',
  'js',
  'javascript',
]);

const firstLine = (block: CodeBlock) => block.code.split('\n')[0] ?? '';
const decided = [...Object.values(RUN), ...NOT_RUN.map((entry) => entry.starts)];
const blockStarting = (start: string): CodeBlock => {
  const block = BLOCKS.find((candidate) => firstLine(candidate).startsWith(start));
  if (!block) throw new Error(`README.md has no code block starting with: ${start}`);
  return block;
};

/** A reader's shell: no DDM_JOBS_*, OS_* or npm settings of the developer; the given ones. */
function readerEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const kept = Object.entries(process.env).filter(
    ([name]) => !/^(DDM_JOBS_|DDM_ENDPOINT|OS_|npm_)/i.test(name),
  );
  // npx must find the repository's own ddm-jobs; offline, it fails rather than fetch another.
  return { ...Object.fromEntries(kept), npm_config_offline: 'true', ...extra };
}

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'ddm-jobs-readme-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A documented start line, run in bash with a free port and a data folder of its own. */
const startDocumented = (line: string) =>
  startInBash(line, REPO, readerEnv({ DDM_JOBS_PORT: '0', DDM_JOBS_DATA_DIR: tempDir() }));

/** The README's address of the server, replaced by where the test's server listens. */
const toServer = (text: string, server: StartedServer) =>
  text.replaceAll('http://127.0.0.1:8080', server.url);

/** What a step of a block must be, and what its run must show. */
interface Step {
  command: RegExp;
  check(result: StepResult, shell: BashSession): void | Promise<void>;
  /** For a command that runs until stopped (`watch`, `--follow`): stop it after this long. */
  stopAfterS?: number;
}

/** A variable of the session, as `echo "$NAME"` would show it. */
async function variable(shell: BashSession, name: string): Promise<string> {
  return (await shell.run(`printf '%s' "$${name}"`)).stdout;
}

const json = (result: StepResult) => {
  try {
    return JSON.parse(result.stdout);
  } catch {
    throw new Error(`not JSON: ${result.stdout}`);
  }
};

/**
 * Runs a shell block's commands in order in the session, each checked by its step: the block must
 * hold exactly the commands the steps expect, so a command added to it needs a check here too.
 */
async function runSteps(commands: ShellCommand[], steps: Step[], shell: BashSession, server: StartedServer) {
  const where = (command: ShellCommand) => `README.md:${command.line}: ${command.text.split('\n')[0]}`;
  expect(commands.map(where)).toHaveLength(steps.length);
  for (const [index, command] of commands.entries()) {
    const step = steps[index] as Step;
    expect(command.text, where(command)).toMatch(step.command);
    const result = await shell.run(
      toServer(command.text, server),
      step.stopAfterS ? { stopAfterS: step.stopAfterS } : {},
    );
    try {
      await step.check(result, shell);
    } catch (error) {
      throw new Error(
        `${where(command)}\nexit ${result.code}\nstdout: ${result.stdout}\nstderr: ${result.stderr}\n${error}`,
      );
    }
  }
}

const succeeded = (result: StepResult) => {
  expect(result.code).toBe(0);
  expect(result.stderr).toBe('');
};

describe('README.md code blocks', () => {
  it('every block a reader could run is run by this file or listed as not run, with why', () => {
    const problems: string[] = [];
    for (const block of BLOCKS.filter((b) => RUNNABLE_LANGUAGES.has(b.language))) {
      const matches = decided.filter((start) => firstLine(block).startsWith(start));
      if (matches.length !== 1)
        problems.push(
          `README.md:${block.line} (${block.heading}): \`${firstLine(block)}\`: ` +
            (matches.length === 0
              ? 'neither run nor listed as not run in test/readme/readme-commands.test.ts'
              : `decided ${matches.length} times`),
        );
    }
    for (const start of decided)
      if (BLOCKS.filter((block) => firstLine(block).startsWith(start)).length !== 1)
        problems.push(`\`${start}\`: no single README block starts so (a stale decision)`);
    expect(problems).toEqual([]);
  });
});

const DEMO_WAITING = '92370d30-3ddc-4e05-b8ab-51662d824318';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const LIST_KEYS = [
  'created_time',
  'database_name',
  'end_time',
  'fail_reason',
  'id',
  'instance_id',
  'instance_name',
  'name',
  'operations',
  'process',
  'status',
];

const WALK_THROUGH: Step[] = [
  {
    command: /^TOKEN=\$\(curl -si http:\/\/127\.0\.0\.1:8080\/v3\/auth\/tokens /,
    async check(result, shell) {
      succeeded(result);
      expect(await variable(shell, 'TOKEN')).toMatch(/^[\w-]{100,}$/);
    },
  },
  {
    command: /^PROJECT=\$\(curl /,
    async check(result, shell) {
      succeeded(result);
      expect(await variable(shell, 'PROJECT')).toMatch(/^[0-9a-f]{32}$/);
    },
  },
  {
    command: /^NOW=/,
    async check(result, shell) {
      succeeded(result);
      expect(Math.abs(Number(await variable(shell, 'NOW')) - Date.now())).toBeLessThan(60_000);
    },
  },
  {
    command: /^curl -s "http:\/\/127\.0\.0\.1:8080\/v3\/\$PROJECT\/jobs\?start_time=/,
    check(result) {
      const body = json(result);
      expect(body).toMatchObject({ offset: 0, limit: 10 });
      expect(body.jobs.length).toBeGreaterThan(0);
      expect(body.total).toBeGreaterThanOrEqual(body.jobs.length);
      for (const job of body.jobs) expect(Object.keys(job).sort()).toEqual(LIST_KEYS);
      expect(body.jobs.map((job: { id: string }) => job.id)).toContain(DEMO_WAITING);
    },
  },
  {
    command: /^curl -s "http:\/\/127\.0\.0\.1:8080\/v3\/\$PROJECT\/jobs\/92370d30-/,
    check(result) {
      expect(json(result).job).toMatchObject({ id: DEMO_WAITING, name: 'migrateLogicDb' });
    },
  },
  {
    command: /^JOB_ID=\$\(curl -s http:\/\/127\.0\.0\.1:8080\/internal\/v1\/jobs /,
    async check(result, shell) {
      succeeded(result);
      expect(await variable(shell, 'JOB_ID')).toMatch(UUID);
    },
  },
  {
    command: /^curl -s -X PATCH "http:\/\/127\.0\.0\.1:8080\/internal\/v1\/jobs\/\$JOB_ID"/,
    check(result) {
      expect(json(result).job).toMatchObject({ name: 'EnlargeNode', progress: 40, version: 2 });
    },
  },
  {
    command: /^curl -s http:\/\/127\.0\.0\.1:8080\/internal\/v1\/jobs\/batch /,
    check(result) {
      const body = json(result);
      expect(body.created).toEqual([]);
      expect(body.updated).toMatchObject([
        { status: 200, version: 3 },
        { status: 200, version: 4 },
      ]);
    },
  },
];

/** The UTC hour of the demo task's daily switch window (packages/server/scenarios/demo.yaml). */
const inDemoWindow = () => new Date().getUTCHours() === 3;

const CLI: Step[] = [
  {
    command: /^export OS_AUTH_URL=http:\/\/127\.0\.0\.1:8080\/v3 /,
    async check(result, shell) {
      succeeded(result);
      expect(await variable(shell, 'OS_PASSWORD')).toBe(await variable(shell, 'PASSWORD'));
    },
  },
  {
    command: /^npx ddm-jobs list --since 6h /,
    check(result) {
      succeeded(result);
      expect(result.stdout).toMatch(/^ID +NAME +STATUS /);
      expect(result.stdout).toContain(DEMO_WAITING);
    },
  },
  {
    command: /^npx ddm-jobs get 92370d30-/,
    check(result) {
      succeeded(result);
      expect(result.stdout).toMatch(new RegExp(`^ID: +${DEMO_WAITING}\\n`));
      expect(result.stdout).toMatch(/^Status: +\w+$/m);
    },
  },
  {
    // Follows the run log until the task ends, which takes minutes: stopped, still following.
    // The demo's task wrote its first two lines when it started running (packages/server/scenarios/demo.yaml).
    command: /^npx ddm-jobs logs c1f0b7e2-5a4d-4c1e-9d7b-3e2f6a8b9c01 --follow /,
    stopAfterS: 4,
    check(result) {
      expect(result.code).toBe(124);
      expect(result.stderr).toBe('');
      const lines = result.stdout.split('\n').filter(Boolean);
      for (const line of lines) expect(line).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z {2}\w+ +\S/);
      expect(lines.map((line) => line.replace(/^\S+ {2}\w+ +/, ''))).toEqual([
        'pre-check passed: 8 shards of db_orders on 2 data nodes',
        'copying the full data of 8 shards, then following the binlog',
      ]);
    },
  },
  {
    // Bars until every executing task has finished, minutes away: stopped, still watching. Long
    // enough for npx, a sign-in and a first frame on a busy machine.
    command: /^npx ddm-jobs watch /,
    stopAfterS: 8,
    check(result) {
      expect(result.code).toBe(124);
      expect(result.stderr).toBe('');
      expect(result.stdout).toMatch(/Running +\[[#-]+\] +\d+%/);
    },
  },
  {
    command: /^npx ddm-jobs switch-window 92370d30-\S+ --begin 02:00:00 --end 04:00:00 /,
    check(result) {
      // Inside its window (03:00 to 04:00 UTC) the demo's task switches as soon as it is recorded,
      // and then offers no window to change: what the README says after the block.
      if (result.code !== 0 && inDemoWindow()) {
        expect(result.stderr).toContain('DBS.300379');
        return;
      }
      succeeded(result);
      expect(result.stdout).toContain('daily from 02:00:00 to 04:00:00');
    },
  },
  {
    command: /^npx ddm-jobs list --status failed -o json$/,
    check(result) {
      succeeded(result);
      const failed = json(result) as { status: string }[];
      expect(Array.isArray(failed)).toBe(true);
      for (const job of failed) expect(job.status).toBe('Failed');
    },
  },
  {
    command: /^source <\(npx ddm-jobs completion bash\)/,
    async check(result, shell) {
      succeeded(result);
      expect((await shell.run('complete -p ddm-jobs')).stdout).toContain('ddm-jobs');
    },
  },
];

describe('the set-up line, the curl walk-through, the CLI and the SDK, against the server npm start starts', () => {
  let server: StartedServer;
  let shell: BashSession;

  beforeAll(async () => {
    const [setUp] = shellCommands(blockStarting(RUN.setUp));
    expect(setUp?.text).toBe('npm ci && npm start');
    // `npm start` builds, then serves. The build is `npm run build`, which `npm test` has run
    // before this file; running it again here would empty packages/console/dist under the console
    // tests running beside this one. So the script's serve part runs, as package.json states it.
    const start: string = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).scripts.start;
    const build = 'npm run build --silent && ';
    expect(start.startsWith(build)).toBe(true);
    server = await startDocumented(start.slice(build.length));
    shell = openBashSession(REPO, readerEnv({}));
    // As a reader, copies the line the first start printed into the terminal.
    const password = /^\s*(export PASSWORD='[^']+')$/m.exec(server.output())?.[1];
    if (!password) throw new Error(`npm start printed no password:\n${server.output()}`);
    succeeded(await shell.run(password));
    // The walk-through's window ends at `$(date +%s) * 1000`, a whole second; the demo's newest
    // tasks were recorded at the start's millisecond. A reader types step 3 seconds later; here
    // the steps wait for the next second, or those tasks would fall after the window's end.
    await new Promise((resolve) => setTimeout(resolve, 1050 - (Date.now() % 1000)));
  }, 90_000);

  afterAll(async () => {
    shell?.close();
    await server?.stop();
  });

  it('npm start prints where it listens and the walk-through, with the CLI run as npx ddm-jobs', () => {
    expect(server.output()).toContain(`Task Center console: ${server.url}/console/`);
    expect(server.output()).toContain('  npx ddm-jobs list && npx ddm-jobs watch');
  });

  it('the curl walk-through, step by step', async () => {
    await runSteps(shellCommands(blockStarting(RUN.walkThrough)), WALK_THROUGH, shell, server);
  }, 30_000);

  it('the CLI lines, in the same terminal', async () => {
    await runSteps(shellCommands(blockStarting(RUN.cli)), CLI, shell, server);
  }, 60_000);

  it('the SDK snippet lists, cancels the one migration it names, and shows a typed error', async () => {
    const code = toServer(blockStarting(RUN.sdk).code, server);
    // In the same terminal (OS_PASSWORD exported by the CLI block), as an ES module of the
    // repository, where @ddm-jobs/client resolves to the workspace's built SDK.
    const result = await shell.run(`node --input-type=module <<'SNIPPET'\n${code}\nSNIPPET`);
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trim().split('\n');
    // The demo's tasks and the walk-through's, each as name, status and progress; then the cancel.
    expect(lines.length).toBeGreaterThan(8);
    for (const line of lines.slice(0, -1)) expect(line).toMatch(/^\w+ \w+ (\d+%)?$/);
    expect(lines.at(-1)).toBe('CancelSuccess');
    expect(result.stderr).toMatch(/^DBS\.300379 \S+\n$/);
  }, 40_000);
});

describe('the emulator block', () => {
  let server: StartedServer;
  let shell: BashSession;
  const [start, ...steps] = shellCommands(blockStarting(RUN.emulator));

  beforeAll(async () => {
    server = await startDocumented((start as ShellCommand).text);
    shell = openBashSession(REPO, readerEnv({}));
  }, 60_000);

  afterAll(async () => {
    shell?.close();
    await server?.stop();
  });

  it('starts on the virtual clock with the example bootstrap and the healthy migration', () => {
    expect(server.output()).toContain('The clock is virtual, at 2026-01-01T00:00:00.000Z');
  });

  it('a service token, the clock moved, the migration in ToBeSwitched, the reset', async () => {
    const MIGRATION = '6f1d2c3b-4a59-4e87-b6d5-c4b3a2918071';
    await runSteps(
      steps,
      [
        {
          command: /^TOKEN=\$\(curl -si http:\/\/127\.0\.0\.1:8080\/v3\/auth\/tokens .*\n.*"ddm-worker"/,
          async check(result, shell) {
            succeeded(result);
            expect(await variable(shell, 'TOKEN')).toMatch(/^[\w-]{100,}$/);
          },
        },
        {
          command: /^curl -s http:\/\/127\.0\.0\.1:8080\/internal\/v1\/clock .*\n.*"advance_ms": 600000/,
          check(result) {
            expect(json(result)).toEqual({
              now: Date.parse('2026-01-01T00:10:00Z'),
              time: '2026-01-01T00:10:00.000Z',
              virtual: true,
            });
          },
        },
        {
          command: new RegExp(`^curl -s http://127\\.0\\.0\\.1:8080/internal/v1/jobs/${MIGRATION} `),
          check(result) {
            expect(json(result).job).toMatchObject({ id: MIGRATION, status: 'ToBeSwitched', progress: 100 });
          },
        },
        {
          command: /^curl -s -X POST http:\/\/127\.0\.0\.1:8080\/internal\/v1\/reset /,
          check(result) {
            expect(json(result)).toEqual({ jobs: [MIGRATION, '0d9c8b7a-6f5e-4d3c-9b2a-1f0e9d8c7b6a'] });
          },
        },
      ],
      shell,
      server,
    );
  }, 30_000);
});
