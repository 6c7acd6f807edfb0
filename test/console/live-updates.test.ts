import type { Page } from 'playwright-core';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  CANCEL_TARGET,
  consoleSuite,
  DEMO_RUNNING,
  documentMark,
  isFocused,
  markDocument,
  START,
  signInThroughForm,
  type Watched,
} from './console-fixture.js';

/**
 * Live: the tenant stream moves rows, bars and the detail panel, and adds new tasks, while the
 * page stays the same document. Each test has its own server, since each moves the clock.
 */

const MINUTE = 60_000;
/** The demo's migration that switches in its all-day window: Running 3 min, then a 40 s switch. */
const DEMO_SWITCHING = 'd2a1c0b9-8e7f-4d6c-a5b4-c3d2e1f0a9b8';

const suite = consoleSuite({ serverPerTest: true });
let watched: Watched;
let moved = 0;

beforeEach(async () => {
  moved = 0;
  watched = await suite.open();
  await signInThroughForm(watched.page, suite.server.url);
  await watched.page.locator('.live--live').waitFor();
  await markDocument(watched.page);
});

/** Moves the server's clock, and the browser's with it (as both would move on real clocks). */
async function advance(ms: number) {
  moved += ms;
  await suite.server.advance(ms);
  await watched.page.clock.setFixedTime(START + moved);
}

/**
 * Nothing reloaded or navigated away: the same document at /console/ throughout (opening a task
 * writes it into the address by the history API, which counts as a navigation of the frame).
 */
async function expectSameDocument(page: Page) {
  expect(watched.navigations[0]).toBe(`${suite.server.url}/console/`);
  for (const url of watched.navigations) expect(url.startsWith(`${suite.server.url}/console/`)).toBe(true);
  expect(await documentMark(page)).toBe('still the same document');
  suite.expectClean(watched);
}

const cell = (row: ReturnType<Page['locator']>, label: string) => row.locator(`td[data-label="${label}"]`);

describe('the Task Center, live', () => {
  it('cancels a migration through its button and dialog, then shows Canceling and CancelSuccess without reloading', async () => {
    const { page } = watched;
    const row = page.locator(`tr[data-job-id="${CANCEL_TARGET}"]`);
    expect(await row.locator('.badge').textContent()).toBe('Running');
    await row.getByRole('button', { name: 'Cancel' }).click();

    const dialog = page.getByRole('dialog', { name: 'Cancel the migration' });
    await dialog.waitFor();
    expect(await dialog.locator('p').first().textContent()).toBe(
      'Cancel the migration of database db_customers? The task moves to Canceling.',
    );
    // A disruptive action starts on "Go back"; Tab and Shift+Tab stay inside the dialog.
    const back = dialog.getByRole('button', { name: 'Go back' });
    const confirm = dialog.getByRole('button', { name: 'Cancel migration' });
    const close = dialog.getByRole('button', { name: 'Close' });
    expect(await isFocused(back)).toBe(true);
    await page.keyboard.press('Tab');
    expect(await isFocused(confirm)).toBe(true);
    await page.keyboard.press('Tab');
    expect(await isFocused(close)).toBe(true);
    await page.keyboard.press('Shift+Tab');
    expect(await isFocused(confirm)).toBe(true);

    await confirm.click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByText('The migration is being cancelled.').waitFor();
    // The stream brings the move: the row changes in place and is highlighted once.
    await expect.poll(() => row.locator('.badge').textContent()).toBe('Canceling');
    await expect.poll(() => row.getAttribute('class'), { interval: 20 }).toContain('task-row--flash');
    // Once: the class goes when its animation (1.8 s) ends.
    await expect.poll(() => row.getAttribute('class'), { timeout: 5000 }).toBe('task-row');
    expect(await cell(row, 'Progress').textContent()).toBe('0%');
    expect(await cell(row, 'Actions').textContent()).toBe('—');

    // The simulator answers the cancel 30 s later.
    await advance(30_000);
    await expect.poll(() => row.locator('.badge').textContent()).toBe('CancelSuccess');
    expect(await cell(row, 'Ended').textContent()).toBe('2026-01-01 00:00:30 UTC');
    expect(await cell(row, 'Actions').locator('button').allTextContents()).toEqual(['Clean up']);
    expect(await page.getByTestId('total').textContent()).toBe('16');
    await expectSameDocument(page);
  });

  it('moves the bars, adds new tasks of the window at the top, and keeps the detail panel current', async () => {
    const { page } = watched;
    const running = page.locator(`tr[data-job-id="${DEMO_RUNNING}"]`);
    expect(await running.locator('progress').getAttribute('value')).toBe('62');

    // Keyboard only: Tab to the row, Enter opens its details.
    const row = page.locator(`tr[data-job-id="${DEMO_SWITCHING}"]`);
    for (let i = 0; i < 40 && !(await isFocused(row)); i++) await page.keyboard.press('Tab');
    expect(await isFocused(row)).toBe(true);
    await page.keyboard.press('Enter');
    const panel = page.getByRole('dialog', { name: 'Task details' });
    await panel.waitFor();
    const fields = Object.fromEntries(
      await panel
        .locator('dl.fields dt')
        .evaluateAll((dts) => dts.map((dt) => [dt.textContent, dt.nextElementSibling?.textContent])),
    );
    expect(fields).toEqual({
      Name: 'migrateLogicDb',
      'Task ID': DEMO_SWITCHING,
      Status: 'Running',
      Progress: '0%',
      Created: '2026-01-01 00:00:00 UTC',
      Ended: '—',
      'Instance name': 'UTS-ddm-dtc-src',
      'Instance ID': '733c7e8d73a54c27b8308ec784a8be8cin09',
      Database: 'db_inventory',
      'Failure reason': '—',
      'Allowed actions': 'Cancel',
    });
    const history = panel.locator('.history__entry');
    await expect.poll(() => history.allTextContents()).toEqual(['2026-01-01 00:00:00 UTCRunning0%']);

    // Minute by minute: it migrates for 3 minutes, its window (all day) is open, so it switches
    // at once, in 40 s.
    await advance(3 * MINUTE);
    await expect.poll(() => panel.locator('dl.fields .badge').textContent()).toBe('Switching');
    await advance(MINUTE);
    await expect.poll(() => panel.locator('dl.fields .badge').textContent()).toBe('Completed');
    await advance(MINUTE);
    await expect
      .poll(() => history.allTextContents())
      .toEqual([
        '2026-01-01 00:00:00 UTCRunning0%',
        '2026-01-01 00:03:00 UTCToBeSwitched',
        '2026-01-01 00:03:00 UTCSwitching0%',
        '2026-01-01 00:03:40 UTCCompleted',
      ]);
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'detached' });
    expect(await isFocused(row)).toBe(true);

    // The bar moved: 30 of its 40 minutes.
    expect(await running.locator('progress').getAttribute('value')).toBe('75');
    expect(await cell(running, 'Progress').textContent()).toBe('75%');

    // A task created now appears at the top, and the total grows.
    const created = 'e5c4a9b8-7f6e-4a5b-9c2d-1e0f9a8b7c65';
    await suite.server.record(
      `project: default\ntasks:\n  - { name: CreateGroup, id: ${created}, steps: [{ status: Running, progress: 100, over: 10m }] }\n`,
    );
    await expect
      .poll(() => page.locator('.task-table tbody tr').first().getAttribute('data-job-id'))
      .toBe(created);
    expect(await page.getByTestId('total').textContent()).toBe('17');
    expect(await page.locator('.task-table tbody tr').count()).toBe(10);
    await expectSameDocument(page);
  });
});
