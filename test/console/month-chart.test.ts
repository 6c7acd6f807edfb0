import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  consoleSuite,
  documentMark,
  markDocument,
  START,
  signInThroughForm,
  storageOf,
  TOTALS,
} from './console-fixture.js';

/**
 * The month at a glance: the chart's bars say what `GET /v3/{project_id}/job-statistics` answers
 * for the range, the filters and the browser's zone, and each day's bar opens that day's tasks.
 */

const suite = consoleSuite();

interface Day {
  date: string;
  start_time: number;
  end_time: number;
  total: number;
  statuses: Record<string, number>;
}

const chart = (page: Page) => page.getByTestId('month-chart');
const total = (page: Page) => page.getByTestId('total');

/** The chart once its bars are loaded (not dimmed by a load in flight). */
async function loadedChart(page: Page) {
  await chart(page).locator('.chart__bar').first().waitFor();
  await expect.poll(() => chart(page).getAttribute('aria-busy')).toBe('false');
  return chart(page);
}

/** The API's answer for the window the chart shows (its first day's start to its last day's end). */
async function statisticsOf(page: Page, zone: string, filters = ''): Promise<Day[]> {
  const hrefs = await chart(page)
    .locator('a.chart__bar')
    .evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''));
  const start = new URLSearchParams((hrefs[0] ?? '').split('?')[1]).get('from');
  const end = new URLSearchParams((hrefs.at(-1) ?? '').split('?')[1]).get('to');
  const { token, projectId } = JSON.parse((await storageOf(page)).session) as {
    token: string;
    projectId: string;
  };
  const query = `start_time=${start}&end_time=${end}&time_zone=${encodeURIComponent(zone)}${filters}`;
  const response = await fetch(`${suite.server.url}/v3/${projectId}/job-statistics?${query}`, {
    headers: { 'x-auth-token': token },
  });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { time_zone: string; days: Day[] };
  expect(body.time_zone).toBe(zone);
  return body.days;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const FINAL: Record<string, string> = {
  Completed: 'completed',
  Failed: 'failed',
  CancelSuccess: 'cancelled',
  RollbackSuccess: 'rolled back',
};

/** What a day's bar is named, from the API's counts: `1 Dec 2026: 12 tasks, 9 completed, 2 failed, 1 in progress`. */
function expectedName(day: Day): string {
  const [y, m, d] = day.date.split('-').map(Number) as [number, number, number];
  const words = [day.total === 0 ? 'no tasks' : `${day.total} task${day.total === 1 ? '' : 's'}`];
  const inProgress = Object.entries(day.statuses)
    .filter(([status]) => !(status in FINAL))
    .reduce((sum, [, n]) => sum + n, 0);
  for (const [status, word] of Object.entries(FINAL))
    if (day.statuses[status]) words.push(`${day.statuses[status]} ${word}`);
  if (inProgress > 0) words.push(`${inProgress} in progress`);
  return `${d} ${MONTHS[m - 1]} ${y}: ${words.join(', ')}`;
}

/** Each bar against its day: the same date, name, counts, and heights in proportion to them. */
async function expectBarsMatch(page: Page, days: Day[]) {
  const shown = await chart(page)
    .locator('.chart__day')
    .evaluateAll((items) =>
      items.map((li) => {
        const link = li.querySelector('a.chart__bar');
        const stack = li.querySelector('.chart__stack');
        return {
          date: li.getAttribute('data-date'),
          name: link?.getAttribute('aria-label'),
          plot: link?.getBoundingClientRect().height ?? 0,
          height: stack?.getBoundingClientRect().height ?? 0,
          parts: [...(stack?.children ?? [])].map((part) => ({
            count: Number(part.getAttribute('data-count')),
            height: part.getBoundingClientRect().height,
          })),
        };
      }),
    );
  expect(shown.map((bar) => bar.date)).toEqual(days.map((day) => day.date));
  expect(shown.map((bar) => bar.name)).toEqual(days.map(expectedName));
  const top = Math.max(1, ...days.map((day) => day.total));
  shown.forEach((bar, i) => {
    const day = days[i] as Day;
    expect(bar.parts.reduce((sum, part) => sum + part.count, 0)).toBe(day.total);
    expect(Math.abs(bar.height - (bar.plot * day.total) / top)).toBeLessThan(1.5);
    for (const part of bar.parts)
      expect(Math.abs(part.height - (bar.height * part.count) / day.total)).toBeLessThan(1.5);
  });
}

describe('the tasks-per-day chart', () => {
  it('draws the API’s counts for the 7 days, each bar named by its counts; its day opens that day’s tasks in the page', async () => {
    const watched = await suite.open();
    const { page } = watched;
    await signInThroughForm(page, suite.server.url);
    await loadedChart(page);
    const days = await statisticsOf(page, 'UTC');
    // A 7-day window touches 8 calendar days; together they hold the list's tasks.
    expect(days).toHaveLength(8);
    expect(days.reduce((sum, day) => sum + day.total, 0)).toBe(TOTALS['7 days']);
    await expectBarsMatch(page, days);
    expect(await chart(page).getByRole('listitem').count()).toBeGreaterThanOrEqual(8 + 5);

    // The busiest day's bar, by its accessible name: the list becomes that day's tasks.
    const busiest = [...days].sort((a, b) => b.total - a.total)[0] as Day;
    expect(busiest.total).toBeGreaterThan(1);
    await markDocument(page);
    await page.getByRole('link', { name: expectedName(busiest), exact: true }).click();
    await expect
      .poll(() => new URL(page.url()).search)
      .toBe(`?from=${busiest.start_time}&to=${busiest.end_time}`);
    await expect.poll(() => total(page).textContent()).toBe(String(busiest.total));
    expect(await page.getByRole('button', { name: 'Custom' }).getAttribute('aria-pressed')).toBe('true');
    // In the page: the same document, not a reload.
    expect(await documentMark(page)).toBe('still the same document');

    // Back: the 7 days again, and their chart.
    await page.goBack();
    await expect.poll(() => total(page).textContent()).toBe(String(TOTALS['7 days']));
    await expect.poll(() => chart(page).locator('.chart__day').count()).toBe(8);
    suite.expectClean(watched);
  });

  it('follows the status filter, and its day keeps the filter', async () => {
    const watched = await suite.open();
    const { page } = watched;
    await page.goto(`${suite.server.url}/console/?range=30d&status=Completed`);
    await signInThroughForm(page, suite.server.url);
    await loadedChart(page);
    const days = await statisticsOf(page, 'UTC', '&status=Completed');
    expect(days.length).toBe(31);
    expect(days.every((day) => Object.keys(day.statuses).every((s) => s === 'Completed'))).toBe(true);
    await expectBarsMatch(page, days);
    const completed = days.reduce((sum, day) => sum + day.total, 0);
    await expect.poll(() => total(page).textContent()).toBe(String(completed));

    const day = days.find((d) => d.total > 0) as Day;
    await page.getByRole('link', { name: expectedName(day), exact: true }).click();
    await expect
      .poll(() => new URL(page.url()).search)
      .toBe(`?from=${day.start_time}&to=${day.end_time}&status=Completed`);
    await expect.poll(() => total(page).textContent()).toBe(String(day.total));
    suite.expectClean(watched);
  });

  it('counts the days of the browser’s zone: Europe/Berlin', async () => {
    const watched = await suite.open('Europe/Berlin');
    const { page } = watched;
    await signInThroughForm(page, suite.server.url);
    await loadedChart(page);
    const days = await statisticsOf(page, 'Europe/Berlin');
    expect(days.reduce((sum, day) => sum + day.total, 0)).toBe(TOTALS['7 days']);
    await expectBarsMatch(page, days);
    // The last day is Berlin's 1 January, which began at 23:00 UTC the evening before.
    expect(days.at(-1)?.date).toBe('2026-01-01');
    expect(days.at(-1)?.start_time).toBe(Date.UTC(2025, 11, 31, 23));
    suite.expectClean(watched);
  });

  it('is not drawn for a range under two days, where it would be one or two bars', async () => {
    const watched = await suite.open();
    const { page } = watched;
    await signInThroughForm(page, suite.server.url);
    await loadedChart(page);
    await page.getByRole('button', { name: '24 hours', exact: true }).click();
    await expect.poll(() => total(page).textContent()).toBe(String(TOTALS['24 hours']));
    expect(await chart(page).count()).toBe(0);
    await page.getByRole('button', { name: '30 days', exact: true }).click();
    await expect.poll(() => chart(page).locator('.chart__day').count()).toBe(31);
    suite.expectClean(watched);
  });

  // Last: it moves the server's clock and adds a task, which the tests above do not expect.
  it('follows the tasks live: a new task of today raises today’s bar without a reload', async () => {
    const watched = await suite.open();
    const { page } = watched;
    await signInThroughForm(page, suite.server.url);
    await loadedChart(page);
    const today = chart(page).locator('.chart__day').last();
    const before = Number(await today.getAttribute('data-total'));
    await markDocument(page);

    // A minute later on both clocks (the browser's a second ahead, so the window surely ends after
    // the new task), a task is created.
    await suite.server.advance(60_000);
    await page.clock.setFixedTime(START + 61_000);
    await suite.server.record(
      'project: default\ntasks:\n  - { name: CreateGroup, steps: [{ status: Running, progress: 100, over: 10m }] }\n',
    );
    await expect.poll(() => total(page).textContent()).toBe(String(TOTALS['7 days'] + 1));
    await expect.poll(() => today.getAttribute('data-total')).toBe(String(before + 1));
    await expect.poll(() => chart(page).getAttribute('aria-busy')).toBe('false');
    await expectBarsMatch(page, await statisticsOf(page, 'UTC'));
    expect(await documentMark(page)).toBe('still the same document');
    suite.expectClean(watched);
  });
});
