import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ddmJobs, REPO, servers, signInAdmin, tempDirs } from './cli-process.js';

/** `ddm-jobs serve` as the emulator: a virtual clock, a scenario file, the reset; over real HTTP. */

const HEALTHY = join(REPO, 'scenarios/healthy-migration.yaml');
/** 05:00 UTC: the healthy migration's daily window (02:00 to 04:00) is over today. */
const START = Date.UTC(2026, 0, 1, 5, 0, 0);
const MIGRATION = '6f1d2c3b-4a59-4e87-b6d5-c4b3a2918071';
const MINUTE = 60_000;

const dirs = tempDirs();
const running = servers();
afterEach(async () => {
  await running.stopAll();
  dirs.removeAll();
});

describe('ddm-jobs serve --emulator --clock virtual --scenario FILE', () => {
  it("plays the scenario on the virtual clock (the switch waits for tomorrow's window), and resets to it", async () => {
    const { url, output } = await running.start(dirs.make(), [
      '--emulator',
      '--clock',
      'virtual',
      '--clock-start',
      '2026-01-01T05:00:00Z',
      '--scenario',
      HEALTHY,
    ]);
    const { token, projectId } = await signInAdmin(url);
    expect(output()).toContain('The clock is virtual, at 2026-01-01T05:00:00.000Z');
    const call = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: { 'x-auth-token': token, ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    const migration = async () => {
      const now = ((await call('GET', '/internal/v1/clock')).body.now as number) ?? 0;
      const page = await call(
        'GET',
        `/v3/${projectId}/jobs?start_time=${now - 24 * 60 * MINUTE}&end_time=${now}`,
      );
      return (page.body.jobs as { id: string; status: string; process: string; operations: string[] }[]).find(
        (j) => j.id === MIGRATION,
      );
    };

    expect((await call('GET', '/internal/v1/clock')).body).toEqual({
      now: START,
      time: '2026-01-01T05:00:00.000Z',
      virtual: true,
    });
    expect(await migration()).toMatchObject({ status: 'Running', process: '0%' });
    await call('POST', '/internal/v1/clock', { advance_ms: 5 * MINUTE });
    expect(await migration()).toMatchObject({ status: 'Running', process: '50%' });
    await call('POST', '/internal/v1/clock', { advance_ms: 60 * MINUTE });
    // Migrated at 05:10; today's window (02:00 to 04:00 UTC) is over: it waits for tomorrow's.
    expect(await migration()).toMatchObject({
      status: 'ToBeSwitched',
      operations: ['modifySwitchingStrategy', 'toBeCanceled'],
    });
    await call('POST', '/internal/v1/clock', { set: Date.parse('2026-01-02T01:59:59Z') });
    expect(await migration()).toMatchObject({ status: 'ToBeSwitched' });
    await call('POST', '/internal/v1/clock', { set: Date.parse('2026-01-02T02:00:00Z') });
    expect(await migration()).toMatchObject({ status: 'Switching' });
    await call('POST', '/internal/v1/clock', { advance_ms: MINUTE });
    expect(await migration()).toMatchObject({ status: 'Completed', end_time: '2026-01-02T02:00:30+0000' });

    const reset = await call('POST', '/internal/v1/reset');
    expect(reset.status).toBe(200);
    expect(reset.body.jobs).toContain(MIGRATION);
    // Recorded again at the clock's instant, from the start of its timeline.
    expect(await migration()).toMatchObject({
      status: 'Running',
      process: '0%',
      created_time: '2026-01-02T02:01:00+0000',
    });
  });

  it('offers no reset and no clock moves without the flags', async () => {
    const { url } = await running.start(dirs.make());
    const { token } = await signInAdmin(url);
    const reset = await fetch(`${url}/internal/v1/reset`, {
      method: 'POST',
      headers: { 'x-auth-token': token },
    });
    expect(reset.status).toBe(404);
    const move = await fetch(`${url}/internal/v1/clock`, {
      method: 'POST',
      headers: { 'x-auth-token': token, 'content-type': 'application/json' },
      body: JSON.stringify({ advance_ms: 1 }),
    });
    expect(move.status).toBe(409);
  });

  it('refills the rate limits in real time while the virtual clock stands still', async () => {
    const { url } = await running.start(dirs.make(), [
      '--emulator',
      '--clock',
      'virtual',
      '--address-rate-limit',
      '4',
    ]);
    const statusOf = async () => (await fetch(`${url}/v3`)).status;
    const statuses: number[] = [];
    for (let i = 0; i < 10 && !statuses.includes(429); i++) statuses.push(await statusOf());
    expect(statuses).toContain(429);
    // Nobody moves the clock: a quarter of a real second refills one request of the address.
    const deadline = Date.now() + 5_000;
    let status = 429;
    while (status === 429 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      status = await statusOf();
    }
    expect(status).toBe(200);
  });

  it('refuses a bad scenario file or clock start as a usage error (exit 2) naming the fault', async () => {
    const bad = await ddmJobs([
      'serve',
      '--port',
      '0',
      '--data-dir',
      dirs.make(),
      '--scenario',
      join(REPO, 'package.json'),
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/package\.json: /);
    const clock = await ddmJobs([
      'serve',
      '--port',
      '0',
      '--data-dir',
      dirs.make(),
      '--clock-start',
      'yesterday',
    ]);
    expect(clock.code).toBe(2);
    expect(clock.stderr).toContain("option '--clock-start <instant>' argument 'yesterday' is invalid");
  });
});
