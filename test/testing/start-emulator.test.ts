import { existsSync, readFileSync } from 'node:fs';
import { DdmClient } from '@ddm-jobs/client';
import { type Emulator, EmulatorError, startEmulator } from '@ddm-jobs/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, runToEnd } from '../support/processes.js';

// @ddm-jobs/testing's startEmulator against the repository's built CLI (`npm run build`): real
// `ddm-jobs serve --emulator` processes on free ports, the SDK over real sockets.

const START = Date.parse('2026-01-01T00:00:00Z');
const migration = (project: string) => ({
  project,
  instance: { id: '733c7e8d73a54c27b8308ec784a8be8cin09', name: 'ddm-orders' },
  tasks: [
    {
      name: 'migrateLogicDb',
      database: 'db_orders',
      steps: [{ status: 'Running', progress: 100, over: '10m' }, { status: 'ToBeSwitched' }],
    },
  ],
});
/** Alive, and not a zombie waiting to be collected by a parent that has ended. */
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return !/^\d+ \(.*\) Z/s.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

let emu: Emulator;
let startedInMs = 0;
beforeAll(async () => {
  const began = performance.now();
  emu = await startEmulator({ scenario: migration('default'), clockStart: START });
  startedInMs = performance.now() - began;
});
afterAll(() => emu?.stop());

describe('startEmulator', () => {
  it('listens on a free port of the loopback, with the default tenant signed in by password and by access key', async () => {
    console.log(`startEmulator took ${Math.round(startedInMs)} ms`);
    expect(emu.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(emu.authUrl).toBe(`${emu.endpoint}/v3`);
    const byKey = new DdmClient(emu.clientOptions());
    const byPassword = new DdmClient({
      auth: {
        password: {
          authUrl: emu.defaultTenant.authUrl,
          username: emu.defaultTenant.username,
          password: emu.defaultTenant.password,
          userDomainName: 'default',
          projectName: 'default',
        },
      },
      endpoint: emu.endpoint,
      now: emu.clock.now,
    });
    const window = { startTime: START - 3_600_000, endTime: START };
    const [keyed, passworded] = await Promise.all([byKey.listJobs(window), byPassword.listJobs(window)]);
    expect(keyed.jobs.map((job) => job.status)).toEqual(['Running']);
    expect(passworded).toEqual(keyed);
  });

  it("knows the virtual clock without asking, and its calls outlive a move that expires the service's token", async () => {
    expect(emu.clock.now()).toBe(START);
    expect(await emu.clock.advance(60_000)).toBe(START + 60_000);
    // Two days: the helper's token (24 hours) has expired; the next call takes a new one.
    expect(await emu.clock.set(START + 2 * 86_400_000)).toBe(START + 2 * 86_400_000);
    expect(await emu.clock.read()).toBe(START + 2 * 86_400_000);
    expect(emu.clock.now()).toBe(START + 2 * 86_400_000);
    await emu.clock.set(START);
    expect(emu.clock.now()).toBe(START);
  });

  it('gives each tenant its own project: a scenario, a fault and a reset of one never touch another', async () => {
    const [a, b] = await Promise.all([emu.tenant(), emu.tenant({ name: 'second' })]);
    expect(a?.projectId).not.toBe(b?.projectId);
    const [idA] = await emu.scenario(migration(a.projectId));
    const [idB] = await emu.scenario(migration(b.projectId));
    const window = { startTime: START - 3_600_000, endTime: START };
    const clientA = new DdmClient({ ...emu.clientOptions(a), retries: 0 });
    const clientB = new DdmClient({ ...emu.clientOptions(b), retries: 0 });
    expect((await clientA.listJobs(window)).jobs.map((job) => job.id)).toEqual([idA]);
    const fault = await emu.fault({
      match: { operation: 'ListTasks', project_id: a.projectId },
      effect: { type: 'error', status: 500, error_code: 'DBS.300002' },
    });
    await expect(clientA.listJobs(window)).rejects.toMatchObject({ errorCode: 'DBS.300002' });
    expect((await clientB.listJobs(window)).jobs.map((job) => job.id)).toEqual([idB]);
    expect(await fault.fired()).toBe(1);
    await fault.remove();
    await emu.reset({ projectId: a.projectId });
    expect((await clientA.listJobs(window)).total).toBe(0);
    expect((await clientB.listJobs(window)).jobs.map((job) => job.id)).toEqual([idB]);
  });

  it("starts another emulator from one's snapshot, with the same tasks and the helper's credentials valid", async () => {
    const snapshot = await emu.snapshot();
    const copy = await startEmulator({ snapshot });
    try {
      const window = { startTime: START - 3_600_000, endTime: START };
      const original = await new DdmClient(emu.clientOptions()).listJobs(window);
      expect(copy.clock.now()).toBe(START);
      expect(await copy.clock.read()).toBe(START);
      expect(await new DdmClient(copy.clientOptions()).listJobs(window)).toEqual(original);
    } finally {
      await copy.stop();
    }
  });

  it('stops: the process ends and its folder is removed; a second stop does nothing', async () => {
    const other = await startEmulator();
    expect(alive(other.pid) && existsSync(other.dataDir)).toBe(true);
    await other.stop();
    expect(alive(other.pid)).toBe(false);
    expect(existsSync(other.dataDir)).toBe(false);
    await other.stop();
  });

  it('kills an emulator left running when the test process exits, and removes its folder', async () => {
    // A test process that starts an emulator and ends without stop(), as a crashed run does.
    const script = `import { startEmulator } from '@ddm-jobs/testing';
const emu = await startEmulator();
console.log(JSON.stringify({ pid: emu.pid, dataDir: emu.dataDir }));
process.exit(0);`;
    const run = await runToEnd(process.execPath, ['--input-type=module', '-e', script], { cwd: REPO });
    expect(run.code, run.stderr).toBe(0);
    const { pid, dataDir } = JSON.parse(run.stdout) as { pid: number; dataDir: string };
    // SIGKILL was sent as the process exited; the kernel ends the server a moment later.
    await expect.poll(() => alive(pid), { timeout: 5_000 }).toBe(false);
    expect(existsSync(dataDir)).toBe(false);
  });

  it('fails to start with what the server said: a bad scenario, a command that is not there', async () => {
    const bad = startEmulator({ scenario: { project: 'default', tasks: [{ name: 'x', steps: [] }] } });
    await expect(bad).rejects.toBeInstanceOf(EmulatorError);
    await expect(bad).rejects.toThrow(/exited \(2\) before it listened[\s\S]*ddm-jobs: /);
    await expect(startEmulator({ command: '/nonexistent/ddm-jobs' })).rejects.toThrow(
      /ddm-jobs could not be started \(\/nonexistent\/ddm-jobs\): spawn \/nonexistent\/ddm-jobs ENOENT/,
    );
  });
});
