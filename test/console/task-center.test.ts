import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../support/processes.js';
import {
  consoleSuite,
  DEMO_RUNNING,
  FAILED_MIGRATION,
  pageWidth,
  signInThroughForm,
  storageOf,
  TOTALS,
  type Watched,
} from './console-fixture.js';

/** The Task Center's list: sign-in, the demo tasks, ranges and pages; and the screenshots. */

const suite = consoleSuite();

/** A fresh page, signed in; every test ends asserting nothing left for another host. */
async function signedIn() {
  const watched = await suite.open();
  await signInThroughForm(watched.page, suite.server.url);
  return watched.page;
}

const rows = (page: Watched['page']) => page.locator('.task-table tbody tr');
const total = (page: Watched['page']) => page.getByTestId('total');

describe('the Task Center list', () => {
  it('signs in and shows the demo tasks of the last 7 days, newest first, and takes the screenshots', async () => {
    const page = await signedIn();
    expect(page.url()).toBe(`${suite.server.url}/console/`);
    await expect.poll(() => total(page).textContent()).toBe(String(TOTALS['7 days']));
    expect(await page.getByRole('button', { name: '7 days' }).getAttribute('aria-pressed')).toBe('true');
    expect(await rows(page).count()).toBe(10);

    // The token is in sessionStorage only, never in the URL or localStorage (which holds one
    // entry: the last sign-in's names, themes-zone.test.ts checks that no secret is among them).
    const storage = await storageOf(page);
    const token = (JSON.parse(storage.session) as { token: string }).token;
    expect(token.length).toBeGreaterThan(20);
    expect(storage.local).toBe(1);
    expect(suite.watched?.requests.some((r) => r.includes(token))).toBe(false);

    // Newest first: the created column never increases down the page.
    const created = await rows(page).locator('td[data-label="Created"]').allTextContents();
    expect(created).toEqual([...created].sort().reverse());

    // The demo's migration at 62%: badge, instance name and id, database, a bar with the percent.
    const running = page.locator(`tr[data-job-id="${DEMO_RUNNING}"]`);
    await expect.poll(() => running.locator('.badge').textContent()).toBe('Running');
    expect(await running.locator('td[data-label="Instance"]').textContent()).toBe(
      'UTS-ddm-dtc-src733c7e8d73a54c27b8308ec784a8be8cin09',
    );
    expect(await running.locator('td[data-label="Database"]').textContent()).toBe('db_orders');
    expect(await running.locator('progress').getAttribute('value')).toBe('62');
    expect(await running.locator('td[data-label="Progress"]').textContent()).toBe('62%');
    expect(await running.locator('td[data-label="Ended"]').textContent()).toBe('—');
    expect(await running.locator('td[data-label="Actions"] button').allTextContents()).toEqual(['Cancel']);

    // A failed migration: its reason, its end, and a button for each action it offers.
    const failed = page.locator(`tr[data-job-id="${FAILED_MIGRATION}"]`);
    expect(await failed.locator('.badge').textContent()).toBe('Failed');
    expect(await failed.locator('td[data-label="Failure reason"]').textContent()).toBe(
      'Shard 3 of the source is unreachable.',
    );
    expect(await failed.locator('td[data-label="Ended"]').textContent()).toBe('2025-12-31 19:04:00 UTC');
    expect(await failed.locator('td[data-label="Actions"] button').allTextContents()).toEqual([
      'Cancel',
      'Retry',
      'Roll back',
    ]);

    // The chart's bars loaded (not dimmed by a load in flight) before the screenshots.
    await page.getByTestId('month-chart').locator('.chart__bar').first().waitFor();
    await expect.poll(() => page.getByTestId('month-chart').getAttribute('aria-busy')).toBe('false');
    await page.locator('body').hover({ position: { x: 0, y: 0 } });
    await page.screenshot({
      path: join(REPO, 'docs/screenshots/task-center-1280.png'),
      fullPage: true,
      animations: 'disabled',
      caret: 'hide',
    });
    await page.setViewportSize({ width: 390, height: 844 });
    // At 390 px the rows are cards: no column headers, each cell names its column.
    expect(await page.locator('.task-table thead').isVisible()).toBe(false);
    expect(await pageWidth(page)).toBeLessThanOrEqual(390);
    await page.screenshot({
      path: join(REPO, 'docs/screenshots/task-center-390.png'),
      fullPage: true,
      animations: 'disabled',
      caret: 'hide',
    });
    suite.expectClean();
  });

  it('changes the range: 1 hour, 24 hours, 30 days, and a custom range within 30 days only', async () => {
    const page = await signedIn();
    for (const range of ['1 hour', '24 hours', '30 days', '7 days'] as const) {
      await page.getByRole('button', { name: range, exact: true }).click();
      await expect.poll(() => total(page).textContent()).toBe(String(TOTALS[range]));
      expect(await page.getByRole('button', { name: range, exact: true }).getAttribute('aria-pressed')).toBe(
        'true',
      );
    }
    expect(await rows(page).count()).toBe(10);

    await page.getByRole('button', { name: 'Custom' }).click();
    await page.getByLabel('From', { exact: true }).fill('2025-11-20T00:00');
    await page.getByLabel('To', { exact: true }).fill('2026-01-01T00:00');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toBe('The range cannot reach past 30 days: start at 2025-12-02 00:00 or later.');
    // Refused before asking: the list still shows the 7 days.
    expect(await total(page).textContent()).toBe(String(TOTALS['7 days']));

    // 3 to 1 days ago: the restarts at 2.5 and 1.5 days ago only.
    await page.getByLabel('From', { exact: true }).fill('2025-12-29T00:00');
    await page.getByLabel('To', { exact: true }).fill('2025-12-31T00:00');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => total(page).textContent()).toBe('2');
    expect(await rows(page).locator('.task-name').allTextContents()).toEqual([
      'RestartInstance',
      'RestartInstance',
    ]);
    expect(await page.getByRole('button', { name: 'Custom' }).getAttribute('aria-pressed')).toBe('true');

    // A window without tasks says so.
    await page.getByLabel('From', { exact: true }).fill('2025-12-20T00:00');
    await page.getByLabel('To', { exact: true }).fill('2025-12-21T00:00');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByText('No tasks in this time range').waitFor();
    expect(await total(page).textContent()).toBe('0');
    suite.expectClean();
  });

  it('pages through the 16 tasks of 7 days: 10 a page, then 20', async () => {
    const page = await signedIn();
    await expect.poll(() => total(page).textContent()).toBe('16');
    expect(await page.getByText('Page 1 of 2').isVisible()).toBe(true);
    const first = await rows(page).evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-job-id')));
    expect(first).toHaveLength(10);
    expect(await page.getByRole('button', { name: 'Previous page' }).isDisabled()).toBe(true);

    await page.getByRole('button', { name: 'Next page' }).click();
    await page.getByText('Page 2 of 2').waitFor();
    await expect.poll(() => rows(page).count()).toBe(6);
    const second = await rows(page).evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-job-id')));
    expect(second.filter((id) => first.includes(id))).toEqual([]);
    expect(await rows(page).locator('.task-name').allTextContents()).toEqual(
      Array(6).fill('RestartInstance'),
    );
    expect(await page.getByText('11–16 of 16').isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Next page' }).isDisabled()).toBe(true);

    // A new page size starts again at the first page.
    await page.getByLabel('Rows per page').selectOption('20');
    await expect.poll(() => rows(page).count()).toBe(16);
    expect(await page.getByText('Page 1 of 1').isVisible()).toBe(true);
    expect(await page.getByLabel('Rows per page').locator('option').allTextContents()).toEqual([
      '10',
      '20',
      '50',
      '100',
    ]);
    suite.expectClean();
  });
});
