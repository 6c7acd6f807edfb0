import { afterEach, describe, expect, it } from 'vitest';
import { DAY, ddmTime, HOUR, MINUTE, SECOND } from '../support/api.js';
import { ManualClock, startTestServer, type TestServer } from '../support/harness.js';
import { act, apply, at, listed, statusHistory, stored } from './support.js';

/**
 * Daily switch windows on the virtual clock: a migration in ToBeSwitched switches in the next
 * occurrence of its window (today's when still ahead, at once when open, tomorrow's when today's
 * is over), in the server's time zone, and follows the window a tenant sets.
 */
const ID = '5e4d3c2b-1a09-4f8e-9d7c-6b5a4f3e2d1c';
/** 2026-11-28 12:00:00 UTC, a Saturday in winter (Berlin is UTC+1). */
const T0 = Date.UTC(2026, 10, 28, 12, 0, 0);

/** Migrates for 10 minutes (ToBeSwitched at 12:10), then waits for its window; switches in 30 s. */
const migration = (window: string) => `
project: project-a
tasks:
  - name: migrateLogicDb
    id: ${ID}
    instance: { id: 733c7e8d73a54c27b8308ec784a8be8cin09, name: ddm-demo }
    database: db_orders
    steps:
      - { status: Running, progress: 100, over: 10m }
      - { status: ToBeSwitched${window} }
      - { status: Switching, progress: 100, over: 30s }
      - { status: Completed }
`;

let server: TestServer;
afterEach(() => server.close());

const start = async (timeZone?: string) => {
  server = await startTestServer({ clock: new ManualClock(T0), ...(timeZone ? { timeZone } : {}) });
};

describe('a migration waiting for its daily window', () => {
  it("waits for today's window when it is still ahead, switches at its begin, completes", async () => {
    await start();
    await apply(server, migration(", window: { begin: '14:00:00', end: '15:00:00' }"));
    expect(await stored(server, ID)).toMatchObject({ switchBegin: 14 * 3600, switchEnd: 15 * 3600 });
    await at(server, T0, 2 * HOUR - SECOND);
    expect(await listed(server, ID)).toMatchObject({
      status: 'ToBeSwitched',
      operations: ['modifySwitchingStrategy', 'toBeCanceled'],
    });
    await at(server, T0, 2 * HOUR);
    expect(await listed(server, ID)).toMatchObject({ status: 'Switching' });
    await at(server, T0, 3 * HOUR);
    expect(await listed(server, ID)).toMatchObject({
      status: 'Completed',
      end_time: ddmTime(T0 + 2 * HOUR + 30 * SECOND),
    });
    expect(await statusHistory(server, ID)).toEqual(['Running', 'ToBeSwitched', 'Switching', 'Completed']);
  });

  it("switches tomorrow when today's window is already over, not before", async () => {
    await start();
    await apply(server, migration(", window: { begin: '09:00:00', end: '10:00:00' }"));
    await at(server, T0, 10 * MINUTE);
    expect(await listed(server, ID)).toMatchObject({ status: 'ToBeSwitched' });
    // Tomorrow 08:59:59: still waiting.
    await at(server, T0, 21 * HOUR - SECOND);
    expect(await listed(server, ID)).toMatchObject({ status: 'ToBeSwitched' });
    await at(server, T0, 21 * HOUR);
    expect(await listed(server, ID)).toMatchObject({ status: 'Switching' });
    await at(server, T0, 22 * HOUR);
    expect(await listed(server, ID)).toMatchObject({
      status: 'Completed',
      end_time: '2026-11-29T09:00:30+0000',
    });
  });

  it('takes the instants its timeline gives when the clock jumps days at once', async () => {
    await start();
    await apply(server, migration(", window: { begin: '09:00:00', end: '10:00:00' }"));
    await at(server, T0, 3 * DAY);
    expect(await listed(server, ID)).toMatchObject({
      status: 'Completed',
      end_time: '2026-11-29T09:00:30+0000',
    });
  });

  it('switches at once when it gets to ToBeSwitched inside its window', async () => {
    await start();
    await apply(server, migration(", window: { begin: '12:00:00', end: '13:30:00' }"));
    await at(server, T0, 10 * MINUTE);
    expect(await listed(server, ID)).toMatchObject({ status: 'Switching' });
    await at(server, T0, 11 * MINUTE);
    expect(await listed(server, ID)).toMatchObject({
      status: 'Completed',
      end_time: ddmTime(T0 + 10 * MINUTE + 30 * SECOND),
    });
  });

  it("reads the window in the server's time zone (Europe/Berlin: 14:00 is 13:00 UTC in winter)", async () => {
    await start('Europe/Berlin');
    await apply(server, migration(", window: { begin: '14:00:00', end: '15:00:00' }"), 'Europe/Berlin');
    await at(server, T0, HOUR - SECOND);
    expect(await listed(server, ID)).toMatchObject({ status: 'ToBeSwitched' });
    await at(server, T0, HOUR);
    expect(await listed(server, ID)).toMatchObject({ status: 'Switching' });
  });
});

describe('the window a tenant sets (route-switch-strategy)', () => {
  it('is followed, never before it was set, and one already over today opens tomorrow', async () => {
    await start();
    await apply(server, migration(''));
    await at(server, T0, 20 * MINUTE);
    expect(await listed(server, ID)).toMatchObject({
      status: 'ToBeSwitched',
      operations: ['modifySwitchingStrategy', 'toBeSwitched', 'toBeCanceled'],
    });
    // 08:00 to 09:00 is over today: it opens tomorrow.
    const past = { switch_route_begin_time: '08:00:00', switch_route_end_time: '09:00:00' };
    expect((await act(server, ID, 'route-switch-strategy', past)).statusCode).toBe(200);
    await at(server, T0, 20 * HOUR - SECOND);
    expect(await listed(server, ID)).toMatchObject({ status: 'ToBeSwitched' });
    // Moved, at 07:59:59 tomorrow, to a window open then (07:00 to 08:30): it switches from when
    // the window was set, not from the window's begin, which lies in the past.
    const open = { switch_route_begin_time: '07:00:00', switch_route_end_time: '08:30:00' };
    expect((await act(server, ID, 'route-switch-strategy', open)).statusCode).toBe(200);
    await at(server, T0, 20 * HOUR);
    expect(await listed(server, ID)).toMatchObject({ status: 'Switching' });
    await at(server, T0, 21 * HOUR);
    expect(await listed(server, ID)).toMatchObject({
      status: 'Completed',
      end_time: ddmTime(T0 + 20 * HOUR - SECOND + 30 * SECOND),
    });
  });
});
