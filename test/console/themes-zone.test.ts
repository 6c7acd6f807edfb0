import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { REPO } from '../support/processes.js';
import { ADMIN, consoleSuite, FAILED_MIGRATION, isFocused, signInThroughForm } from './console-fixture.js';

/**
 * What the console keeps of the person using it: times in their zone, saying which; the system's
 * light or dark theme; the last sign-in's names filled in (and nothing secret kept for that).
 */

const suite = consoleSuite();

const cell = (page: Page, id: string, column: string) =>
  page.locator(`tr[data-job-id="${id}"] td[data-label="${column}"]`);

/** The page's computed background and text colours. */
const colours = (page: Page) =>
  page.evaluate(() => {
    const g = globalThis as unknown as {
      document: { documentElement: object };
      getComputedStyle(element: object): { backgroundColor: string; color: string };
    };
    const style = g.getComputedStyle(g.document.documentElement);
    return { background: style.backgroundColor, text: style.color };
  });

describe('times with their zone', () => {
  it('in UTC: the header says so and every time ends with UTC', async () => {
    const watched = await suite.open();
    const { page } = watched;
    await signInThroughForm(page, suite.server.url);
    expect(await page.getByTestId('zone-note').textContent()).toBe('Times in UTC');
    expect(await cell(page, FAILED_MIGRATION, 'Ended').textContent()).toBe('2025-12-31 19:04:00 UTC');
    const created = await page.locator('.task-table td[data-label="Created"]').allTextContents();
    expect(created.length).toBe(10);
    for (const text of created) expect(text).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC$/);
    suite.expectClean(watched);
  });

  it('in Europe/Berlin: the header names the zone and its offset, each time its abbreviation', async () => {
    const watched = await suite.open('Europe/Berlin');
    const { page } = watched;
    await signInThroughForm(page, suite.server.url);
    expect(await page.getByTestId('zone-note').textContent()).toBe('Times in Europe/Berlin (UTC+01:00)');
    // 19:04 UTC is 20:04 in Berlin's winter time.
    expect(await cell(page, FAILED_MIGRATION, 'Ended').textContent()).toBe('2025-12-31 20:04:00 CET');

    await cell(page, FAILED_MIGRATION, 'Name').click();
    const panel = page.getByRole('dialog', { name: 'Task details' });
    await panel.waitFor();
    const times = await panel.locator('dd').allTextContents();
    expect(times).toContain('2025-12-31 20:04:00 CET');
    // Its tooltip gives it in UTC, the zone of the API and the logs.
    const ended = panel.locator('dd time', { hasText: '2025-12-31 20:04:00 CET' });
    expect(await ended.getAttribute('title')).toBe('2025-12-31 19:04:00 UTC');
    expect(await ended.getAttribute('datetime')).toBe('2025-12-31T19:04:00.000Z');
    await panel.locator('.history__time').first().waitFor();
    for (const text of await panel.locator('.history__time').allTextContents()) expect(text).toMatch(/ CET$/);
    suite.expectClean(watched);
  });
});

describe('the theme', () => {
  it('follows the system: light, then dark without a reload (its screenshot), then light again', async () => {
    const watched = await suite.open();
    const { page } = watched;
    await page.emulateMedia({ colorScheme: 'light' });
    await signInThroughForm(page, suite.server.url);
    expect(await colours(page)).toEqual({ background: 'rgb(244, 246, 249)', text: 'rgb(27, 36, 48)' });

    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await colours(page)).toEqual({ background: 'rgb(15, 20, 26)', text: 'rgb(227, 232, 238)' });
    // The panels and badges follow too: no light surface is left on the dark page.
    const panel = await page
      .locator('section.panel')
      .first()
      .evaluate(
        (el) =>
          (
            globalThis as unknown as { getComputedStyle(e: object): { backgroundColor: string } }
          ).getComputedStyle(el).backgroundColor,
      );
    expect(panel).toBe('rgb(23, 29, 37)');
    await page.getByTestId('month-chart').locator('.chart__bar').first().waitFor();
    await expect.poll(() => page.getByTestId('month-chart').getAttribute('aria-busy')).toBe('false');
    await page.locator('body').hover({ position: { x: 0, y: 0 } });
    await page.screenshot({
      path: join(REPO, 'docs/screenshots/task-center-dark-1280.png'),
      fullPage: true,
      animations: 'disabled',
      caret: 'hide',
    });

    await page.emulateMedia({ colorScheme: 'light' });
    expect((await colours(page)).background).toBe('rgb(244, 246, 249)');
    suite.expectClean(watched);
  });
});

describe('the sign-in form', () => {
  it('is filled with the last sign-in’s domain, user and project after a sign-out; the password is not kept', async () => {
    const watched = await suite.open();
    const { page } = watched;
    await page.goto(`${suite.server.url}/console/`);
    // Nothing yet: empty, the domain at its default, the user name focused.
    expect(await page.getByLabel('IAM user name', { exact: true }).inputValue()).toBe('');
    expect(await page.getByLabel('Project', { exact: true }).inputValue()).toBe('');
    expect(await isFocused(page.getByLabel('IAM user name', { exact: true }))).toBe(true);

    await signInThroughForm(page, suite.server.url);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('You have signed out.').waitFor();
    expect(await page.getByLabel('IAM user name', { exact: true }).inputValue()).toBe(ADMIN.user);
    expect(await page.getByLabel('Domain', { exact: true }).inputValue()).toBe(ADMIN.domain);
    expect(await page.getByLabel('Project', { exact: true }).inputValue()).toBe(ADMIN.project);
    expect(await page.getByLabel('Password', { exact: true }).inputValue()).toBe('');

    // Kept across a reload and in a new tab of the same browser; only the password to type.
    const tab = await watched.context.newPage();
    await tab.goto(`${suite.server.url}/console/`);
    expect(await tab.getByLabel('IAM user name', { exact: true }).inputValue()).toBe(ADMIN.user);
    expect(await isFocused(tab.getByLabel('Password', { exact: true }))).toBe(true);
    await tab.getByLabel('Password', { exact: true }).fill(ADMIN.password);
    await tab.getByRole('button', { name: 'Sign in' }).click();
    await tab.locator('.task-table tbody tr').first().waitFor();

    // What localStorage holds: the three names, never the password or the token.
    const stored = await tab.evaluate(() => {
      const storage = (
        globalThis as unknown as {
          localStorage: { length: number; key(i: number): string | null; getItem(k: string): string | null };
        }
      ).localStorage;
      const entries: Record<string, string | null> = {};
      for (let i = 0; i < storage.length; i++) {
        const key = storage.key(i) ?? '';
        entries[key] = storage.getItem(key);
      }
      return entries;
    });
    expect(Object.keys(stored)).toEqual(['ddm-jobs.console.last-sign-in']);
    expect(JSON.parse(stored['ddm-jobs.console.last-sign-in'] ?? '')).toEqual({
      domain: ADMIN.domain,
      user: ADMIN.user,
      project: ADMIN.project,
    });
    expect(JSON.stringify(stored)).not.toContain(ADMIN.password);
    suite.expectClean(watched);
  });
});
