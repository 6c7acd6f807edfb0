import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { codeBlocks } from '../readme/readme-blocks.js';
import { REPO, runToEnd } from '../support/processes.js';

// `ddm-jobs emulator start` and `stop` as real processes: docs/testing.md's CI recipe run as
// written in bash from the repository's root, and the refusals. Each run has a state folder of
// its own (DDM_JOBS_EMULATOR_STATE_DIR), so a developer's emulators are never touched. Needs
// `npm run build`.

const work = mkdtempSync(join(tmpdir(), 'ddm-jobs-emulator-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
/** This process's environment without a developer's DDM_JOBS_* and OS_* settings. */
const env = (stateDir: string): NodeJS.ProcessEnv => ({
  ...Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('DDM_JOBS_') && !name.startsWith('OS_')),
  ),
  DDM_JOBS_EMULATOR_STATE_DIR: stateDir,
});
const ddmJobs = (args: string[], stateDir: string) =>
  runToEnd(process.execPath, [join(REPO, 'packages/cli/bin/ddm-jobs.js'), ...args], {
    cwd: REPO,
    env: env(stateDir),
  });
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return !/^\d+ \(.*\) Z/s.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};
/** The pid and data folder `start` names on stderr. */
const started = (stderr: string) => {
  const match = /\(pid (\d+), data (\S+), log/.exec(stderr);
  if (!match) throw new Error(`no pid in: ${stderr}`);
  return { pid: Number(match[1]), dataDir: match[2] as string };
};

describe('ddm-jobs emulator start and stop', () => {
  it("docs/testing.md's CI recipe runs as written, and leaves no process, folder or state behind", async () => {
    const [recipe] = codeBlocks(readFileSync(join(REPO, 'docs/testing.md'), 'utf8')).filter(
      (block) => block.language === 'sh' && block.code.includes('emulator start'),
    );
    expect(recipe?.code).toContain('trap');
    const script = join(work, 'ci-step.sh');
    writeFileSync(script, recipe?.code ?? '');
    const stateDir = join(work, 'recipe-state');
    const run = await runToEnd('bash', [script], { cwd: REPO, env: env(stateDir) });
    const output = `${run.stdout}\n${run.stderr}`;
    expect(run.code, output).toBe(0);
    expect(run.stdout).toContain('"status": "Running"');
    expect(run.stdout).toContain('"status": "ToBeSwitched"');
    const { pid, dataDir } = started(run.stderr);
    expect(run.stderr).toContain(`ddm-jobs: emulator default (pid ${pid}) stopped`);
    expect(alive(pid)).toBe(false);
    expect(existsSync(dataDir)).toBe(false);
    expect(existsSync(join(stateDir, 'emulator-default.json'))).toBe(false);
  }, 120_000);

  it('prints quoted export lines, refuses a second emulator of one name, and stop says when none runs', async () => {
    const stateDir = join(work, 'refusals-state');
    const start = await ddmJobs(['emulator', 'start', '--name', 'one', '--clock', 'virtual'], stateDir);
    expect(start.code, start.stderr).toBe(0);
    const { pid } = started(start.stderr);
    try {
      const exported = Object.fromEntries(
        start.stdout
          .trim()
          .split('\n')
          .map((line) => /^export ([A-Z_]+)='([^']*)'$/.exec(line)?.slice(1) ?? [line, '']),
      );
      expect(Object.keys(exported)).toEqual([
        'DDM_ENDPOINT',
        'OS_AUTH_URL',
        'OS_IDENTITY_API_VERSION',
        'OS_USERNAME',
        'OS_PASSWORD',
        'OS_USER_DOMAIN_NAME',
        'OS_PROJECT_ID',
        'OS_PROJECT_NAME',
        'OS_PROJECT_DOMAIN_NAME',
        'OS_ACCESS_KEY',
        'OS_SECRET_KEY',
        'DDM_EMULATOR_NAME',
        'DDM_EMULATOR_SERVICE_USERNAME',
        'DDM_EMULATOR_SERVICE_PASSWORD',
      ]);
      expect(exported.OS_AUTH_URL).toBe(`${exported.DDM_ENDPOINT}/v3`);
      expect(exported.OS_ACCESS_KEY).toMatch(/^[A-Z0-9]{20}$/);
      // The state file and its folder are the user's alone: the service password is in it.
      const state = join(stateDir, 'emulator-one.json');
      expect(readFileSync(state, 'utf8')).toContain(
        `"password": "${exported.DDM_EMULATOR_SERVICE_PASSWORD}"`,
      );
      expect((statSync(state).mode & 0o777).toString(8)).toBe('600');
      expect((statSync(stateDir).mode & 0o777).toString(8)).toBe('700');

      const again = await ddmJobs(['emulator', 'start', '--name', 'one'], stateDir);
      expect(again.code).toBe(2);
      expect(again.stderr).toContain(`an emulator named one runs already (pid ${pid}`);
      expect(alive(pid)).toBe(true);
    } finally {
      const stop = await ddmJobs(['emulator', 'stop', '--name', 'one'], stateDir);
      expect(stop.code, stop.stderr).toBe(0);
    }
    expect(alive(pid)).toBe(false);
    const none = await ddmJobs(['emulator', 'stop', '--name', 'one'], stateDir);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('no emulator named one is running');
  }, 60_000);

  it('a serve option the server refuses: exit 2 with its message, nothing left running or recorded', async () => {
    const stateDir = join(work, 'bad-state');
    const bad = await ddmJobs(['emulator', 'start', '--clock', 'sideways'], stateDir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('the emulator exited (2) before it listened');
    expect(bad.stderr).toContain("argument 'sideways' is invalid");
    expect(existsSync(join(stateDir, 'emulator-default.json'))).toBe(false);
  }, 60_000);
});
