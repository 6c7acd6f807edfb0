import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { consoleSuite, expectAccessible, signInThroughForm, TOTALS } from './console-fixture.js';

/**
 * axe-core on every view and dialog of the console, in the light theme and the dark one: no
 * serious or critical violation (contrast, names, roles, labels). axe runs in the page under the
 * server's CSP, which stays on: a violation of it fails the test too.
 */

/** The demo's ToBeSwitched migration: its panel has shard details, a run log and a switch window. */
const WAITING = '92370d30-3ddc-4e05-b8ab-51662d824318';

const suite = consoleSuite({
  // The refused sign-in's 401 is the browser's own console line; nothing else may fail.
  allowedError: 'status of 401',
  // A line of each level: their colours are checked for contrast in the panel.
  async prepare(server) {
    const response = await fetch(`${server.url}/internal/v1/jobs/${WAITING}/logs`, {
      method: 'POST',
      headers: { 'x-auth-token': await server.adminToken(), 'content-type': 'application/json' },
      body: JSON.stringify({
        logs: [
          { level: 'INFO', message: 'pre-check passed' },
          { level: 'WARNING', message: 'shard 3 is slow' },
          { level: 'ERROR', message: 'shard 3 unreachable' },
        ],
      }),
    });
    expect(response.status).toBeLessThan(300);
  },
});

/**
 * Waits for the list and the chart to finish loading: while a load is in flight they are dimmed
 * on purpose, which axe would measure as the colours' contrast.
 */
async function settled(page: Page) {
  await expect.poll(() => page.locator('.task-table').getAttribute('aria-busy')).not.toBe('true');
  await expect.poll(() => page.getByTestId('month-chart').getAttribute('aria-busy')).toBe('false');
}

/** Every action dialog the first page offers, one after the other, each checked then closed. */
async function checkActionDialogs(page: Page, theme: string) {
  const buttons = page.locator('.task-table tbody td[data-label="Actions"] button');
  const labels = [...new Set(await buttons.allTextContents())];
  expect(labels.length).toBeGreaterThanOrEqual(3);
  for (const label of labels) {
    await buttons.filter({ hasText: label }).first().click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await expectAccessible(page, `the ${label} dialog (${theme})`);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  }
  return labels;
}

for (const colorScheme of ['light', 'dark'] as const) {
  describe(`the console in the ${colorScheme} theme`, () => {
    it('has no serious accessibility violation: sign-in, list, chart, filters, batch, detail panel, run log, every dialog', async () => {
      const watched = await suite.open();
      const { page } = watched;
      await page.emulateMedia({ colorScheme });
      await page.goto(`${suite.server.url}/console/`);
      await page.getByRole('button', { name: 'Sign in' }).waitFor();
      await expectAccessible(page, `the sign-in form (${colorScheme})`);

      // A refused sign-in shows its message, which must be readable too.
      await page.getByLabel('IAM user name', { exact: true }).fill('nobody');
      await page.getByLabel('Password', { exact: true }).fill('wrong');
      await page.getByLabel('Project', { exact: true }).fill('default');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('alert').waitFor();
      await expectAccessible(page, `the refused sign-in (${colorScheme})`);

      await signInThroughForm(page, suite.server.url);
      await page.getByTestId('month-chart').locator('.chart__bar').first().waitFor();
      await expect.poll(() => page.getByTestId('month-chart').getAttribute('aria-busy')).toBe('false');
      await expectAccessible(page, `the task list and the chart (${colorScheme})`);

      // The filter bar: a menu open, then a filter applied (its chip shown).
      await page.locator('summary').filter({ hasText: 'Status' }).click();
      await page.getByRole('group', { name: 'Status' }).getByLabel('Running', { exact: true }).check();
      // The ticked status is in the address once the view changed, and the list loads again.
      await expect.poll(() => page.url()).toContain('status=Running');
      await expect
        .poll(async () => new Set(await page.locator('.task-table .badge').allTextContents()))
        .toEqual(new Set(['Running']));
      await settled(page);
      await expectAccessible(page, `the status menu, open (${colorScheme})`);
      await page.keyboard.press('Escape');
      await expectAccessible(page, `the list filtered by status (${colorScheme})`);
      await page.getByRole('button', { name: 'Clear filters' }).click();
      await expect.poll(() => page.url()).not.toContain('status=');
      await expect.poll(() => page.getByTestId('total').textContent()).toBe(String(TOTALS['7 days']));
      await settled(page);

      // Two migrations selected: the batch bar, then its dialog.
      const cancellable = page
        .locator('.task-table tbody tr')
        .filter({ has: page.getByRole('button', { name: 'Cancel', exact: true }) });
      await cancellable.nth(0).getByRole('checkbox').check();
      await cancellable.nth(1).getByRole('checkbox').check();
      await settled(page);
      await expectAccessible(page, `the batch bar (${colorScheme})`);
      await page.getByRole('button', { name: 'Cancel selected' }).click();
      const batch = page.getByRole('dialog', { name: 'Cancel: 2 tasks' });
      await batch.waitFor();
      await expectAccessible(page, `the batch dialog (${colorScheme})`);
      await page.keyboard.press('Escape');
      await batch.waitFor({ state: 'detached' });

      const labels = await checkActionDialogs(page, colorScheme);
      expect(labels).toEqual(expect.arrayContaining(['Cancel', 'Retry', 'Roll back', 'Change window']));

      await page.locator(`tr[data-job-id="${WAITING}"] .task-name`).click();
      const panel = page.getByRole('dialog', { name: 'Task details' });
      await panel.locator('.run-log__line').first().waitFor();
      await expectAccessible(page, `the detail panel with its run log (${colorScheme})`);
      await page.keyboard.press('Escape');
      await panel.waitFor({ state: 'detached' });

      // The narrow layout: rows as cards, the chart's dates thinned.
      await page.setViewportSize({ width: 390, height: 844 });
      await settled(page);
      await expectAccessible(page, `the task list at 390 px (${colorScheme})`);
      suite.expectClean(watched);
    });
  });
}
