import type { DdmClient, JobFilters } from '@ddm-jobs/client';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { adminClient } from './admin-client.js';
import {
  CANCEL_TARGET,
  consoleSuite,
  expectAccessible,
  FAILED_MIGRATION,
  foreignRequests,
  openPage,
  START,
  signInThroughForm,
  TOTALS,
  type Watched,
} from './console-fixture.js';

/**
 * The Task Center's filters and links: each filter narrows the table and its total as the API
 * does; the view (range, filters, page, size, open task) lives in the address, so a copied link
 * opened elsewhere shows the same view, and back and forward move between views.
 */

const SEARCH_ID = 'd8c1f6a2b3e44f5a9b0c1d2e3f4a5b6cin09';
/** 290 tasks of the last 5 hours on three instances, beside the fixture's 16 of the 7 days. */
const MANY = `
project: default
instance: { id: 5e1a2b3c4d5e4f6a7b8c9d0e1f2a3b4cin09, name: ddm-ledger-east }
tasks:
  - name: ReduceNode
    start: -5h
    count: 100
    every: 2m
    steps:
      - { status: Running, over: 1m }
      - { status: Completed }
  - name: UnbindEIP
    instance: { id: 6f2b3c4d5e6f4a7b8c9d0e1f2a3b4c5din09, name: ddm-ledger-west }
    start: -4h
    count: 80
    every: 2m
    steps:
      - { status: Running, over: 1m }
      - { status: Failed, reason: "The EIP is still in use." }
  - name: RestoreInstance
    instance: { id: ${SEARCH_ID}, name: ddm-search }
    start: -3h
    count: 60
    every: 2m
    steps:
      - { status: Running, progress: 90, over: 10h }
  - name: migrateLogicDb
    database: db_ledger_main
    start: -2h
    count: 30
    every: 3m
    steps:
      - { status: Running, progress: 100, over: 10h }
  - name: migrateLogicDb
    instance: { id: ${SEARCH_ID}, name: ddm-search }
    database: db_audit
    start: -150m
    count: 20
    every: 5m
    steps:
      - { status: Running, over: 2m }
      - { status: Failed, reason: "The target shard ran out of space." }
`;
const ALL = TOTALS['7 days'] + 290;
const WEEK = 7 * 24 * 3_600_000;

let api: DdmClient;
const suite = consoleSuite({
  async prepare(server) {
    await server.record(MANY);
    api = adminClient(server);
  },
});

async function signedIn(): Promise<Page> {
  const watched = await suite.open();
  await signInThroughForm(watched.page, suite.server.url);
  return watched.page;
}

const rows = (page: Page) => page.locator('.task-table tbody tr');
const total = (page: Page) => page.getByTestId('total');
const rowIds = (page: Page) =>
  rows(page).evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-job-id')));
const historyLength = (page: Page) =>
  page.evaluate(() => (globalThis as unknown as { history: { length: number } }).history.length);

/** What the API answers for the default 7 days with these filters. */
async function apiTotal(filters: JobFilters): Promise<number> {
  return (await api.listJobs({ startTime: START - WEEK, endTime: START, limit: 1, ...filters })).total;
}

/** The ids of a page of the default 7 days as the API lists them. */
async function apiIds(filters: JobFilters, offset: number, limit: number): Promise<string[]> {
  const page = await api.listJobs({ startTime: START - WEEK, endTime: START, offset, limit, ...filters });
  return page.jobs.map((job) => job.id);
}

/** Ticks (or unticks) values in one of the filter bar's checkbox menus, then closes it with Escape. */
async function choose(page: Page, menu: 'Status' | 'Task name', values: string[], on = true) {
  await page.locator('summary').filter({ hasText: menu }).click();
  const group = page.getByRole('group', { name: menu });
  for (const value of values) await group.getByLabel(value, { exact: true }).setChecked(on);
  await page.keyboard.press('Escape');
}

/** Types into a text filter and applies it with Enter. */
async function type(page: Page, label: 'Instance' | 'Database' | 'Task ID', text: string) {
  await page.getByLabel(label, { exact: true }).fill(text);
  await page.getByLabel(label, { exact: true }).press('Enter');
}

async function expectTotal(page: Page, expected: number) {
  await expect.poll(() => total(page).textContent()).toBe(String(expected));
}

describe('the Task Center filters', () => {
  it('narrows the table and its total by status, name, instance, database and task id, as the API does', async () => {
    const page = await signedIn();
    await expectTotal(page, ALL);
    expect(await apiTotal({})).toBe(ALL);

    // Two statuses at once: every row shows one of them.
    await choose(page, 'Status', ['Failed', 'Completed']);
    await expectTotal(page, await apiTotal({ status: ['Failed', 'Completed'] }));
    expect(Number(await total(page).textContent())).toBeGreaterThan(180);
    for (const status of await rows(page).locator('.badge').allTextContents())
      expect(['Completed', 'Failed']).toContain(status);
    expect(page.url()).toBe(`${suite.server.url}/console/?status=Completed,Failed`);
    await page.locator('summary').filter({ hasText: 'Status' }).click();
    await expectAccessible(page, 'the filter bar, its status menu open');
    await page.keyboard.press('Escape');
    // The active filters are spelled out, and Clear filters ends them.
    expect(await page.getByRole('list', { name: 'Active filters' }).textContent()).toContain(
      'Status: Completed, Failed',
    );
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await expectTotal(page, ALL);
    expect(page.url()).toBe(`${suite.server.url}/console/`);

    // Two names: the scenario's 100 reductions and 80 EIP unbindings, nothing else.
    await choose(page, 'Task name', ['ReduceNode', 'UnbindEIP']);
    await expectTotal(page, 180);
    expect(await apiTotal({ name: ['ReduceNode', 'UnbindEIP'] })).toBe(180);
    for (const name of await rows(page).locator('.task-name').allTextContents())
      expect(['ReduceNode', 'UnbindEIP']).toContain(name);
    await page.getByRole('button', { name: 'Remove the Task filter' }).click();
    await expectTotal(page, ALL);

    // An instance by a part of its name, in any case: the two ledger instances' 210 tasks.
    await type(page, 'Instance', 'LEDGER');
    await expectTotal(page, 210);
    expect(await apiTotal({ instance: 'LEDGER' })).toBe(210);
    // By its id (any case): the search instance's 80.
    await type(page, 'Instance', SEARCH_ID.toUpperCase());
    await expectTotal(page, 80);
    expect(
      new Set(await rows(page).locator('td[data-label="Instance"] .instance-id').allTextContents()),
    ).toEqual(new Set([SEARCH_ID]));
    await type(page, 'Instance', '');
    await expectTotal(page, ALL);

    // A part of a database name.
    await type(page, 'Database', 'ledger');
    await expectTotal(page, 30);
    expect(new Set(await rows(page).locator('td[data-label="Database"]').allTextContents())).toEqual(
      new Set(['db_ledger_main']),
    );
    // Filters together: a status the ledger migrations are not in leaves none.
    await choose(page, 'Status', ['Failed']);
    await expectTotal(page, 0);
    await page.getByText('No tasks match the filters').waitFor();
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await expectTotal(page, ALL);

    // The task-id search: the one task, in any case.
    await type(page, 'Task ID', FAILED_MIGRATION.toUpperCase());
    await expectTotal(page, 1);
    await expect.poll(() => rowIds(page)).toEqual([FAILED_MIGRATION]);
    expect(await apiTotal({ jobId: FAILED_MIGRATION })).toBe(1);
    suite.expectClean();
  });

  it('keeps the view in the address: a copied link opened in a fresh, signed-out browser shows the same view', async () => {
    const page = await signedIn();
    await choose(page, 'Status', ['Failed']);
    await choose(page, 'Task name', ['migrateLogicDb', 'UnbindEIP']);
    const expected = await apiTotal({ status: ['Failed'], name: ['UnbindEIP', 'migrateLogicDb'] });
    expect(expected).toBe(101); // 80 unbindings, 20 audit migrations, the fixture's failed one
    await expectTotal(page, expected);
    await page.getByLabel('Rows per page').selectOption('20');
    await page.getByRole('button', { name: 'Next page' }).click();
    await page.getByText('Page 2 of 6').waitFor();
    // The pager moves at once; the rows once the page is loaded.
    const ids = await apiIds({ status: ['Failed'], name: ['UnbindEIP', 'migrateLogicDb'] }, 20, 20);
    await expect.poll(() => rowIds(page)).toEqual(ids);
    expect(ids).toHaveLength(20);
    await rows(page).nth(3).locator('.task-name').click();
    await page.getByRole('dialog', { name: 'Task details' }).waitFor();
    const link = page.url();
    expect(link).toBe(
      `${suite.server.url}/console/?status=Failed&name=UnbindEIP,migrateLogicDb&page=2&size=20&open=${ids[3]}`,
    );

    // Elsewhere: the sign-in form first, then the same view, the task's panel open.
    const other = await openPage(suite.browser);
    try {
      await other.page.goto(link);
      await signInThroughForm(other.page, suite.server.url);
      expect(other.page.url()).toBe(link);
      await expectTotal(other.page, expected);
      await other.page.getByText('Page 2 of 6').waitFor();
      await expect.poll(() => rowIds(other.page)).toEqual(ids);
      const panel = other.page.getByRole('dialog', { name: 'Task details' });
      await panel.waitFor();
      expect(await panel.textContent()).toContain(ids[3]);
      expect(other.errors).toEqual([]);
    } finally {
      await other.context.close();
    }

    // A link to a page past the end shows the last page, and the address says so (in place).
    await page.goto(`${suite.server.url}/console/?page=99`);
    await page.getByText(`Page ${Math.ceil(ALL / 10)} of ${Math.ceil(ALL / 10)}`).waitFor();
    await expect.poll(() => page.url()).toBe(`${suite.server.url}/console/?page=${Math.ceil(ALL / 10)}`);

    // A link to a task that is not on its page still opens that task.
    await page.goto(`${suite.server.url}/console/?open=${CANCEL_TARGET}`);
    const panel = page.getByRole('dialog', { name: 'Task details' });
    await panel.waitFor();
    await expect.poll(() => panel.textContent()).toContain('db_customers');

    // A link to a task that is gone says so, and the address no longer names it.
    const gone = '00000000-0000-4000-8000-000000000000';
    await page.goto(`${suite.server.url}/console/?range=24h&open=${gone}`);
    await page.getByText(`Task ${gone} was not found`).waitFor();
    expect(page.url()).toBe(`${suite.server.url}/console/?range=24h`);
    expect(await page.getByRole('dialog').count()).toBe(0);
    expect(foreignRequests(suite.watched as Watched, suite.server.url)).toEqual([]);
    // The lookup's 404 is the one error Chromium logs.
    expect(suite.watched?.errors).toEqual([expect.stringMatching(/status of 404/)]);
  });

  it('moves between views with back and forward; typing a filter makes one step, not one per key', async () => {
    const page = await signedIn();
    await expectTotal(page, ALL);
    const start = await historyLength(page);

    await choose(page, 'Status', ['Running']);
    const running = await apiTotal({ status: ['Running'] });
    await expectTotal(page, running);
    // Typed slowly, applied when typing pauses: one more step of history for the whole word.
    await page.getByLabel('Database', { exact: true }).pressSequentially('ledger', { delay: 80 });
    await expectTotal(page, 30);
    expect(page.url()).toBe(`${suite.server.url}/console/?status=Running&database=ledger`);
    expect(await historyLength(page)).toBe(start + 2);
    await page.getByRole('button', { name: 'Next page' }).click();
    await page.getByText('Page 2 of 3').waitFor();
    const second = await apiIds({ status: ['Running'], database: 'ledger' }, 10, 10);
    await expect.poll(() => rowIds(page)).toEqual(second);

    await page.goBack();
    await page.getByText('Page 1 of 3').waitFor();
    expect(page.url()).toBe(`${suite.server.url}/console/?status=Running&database=ledger`);
    await page.goBack();
    await expectTotal(page, running);
    expect(await page.getByLabel('Database', { exact: true }).inputValue()).toBe('');
    await page.goBack();
    await expectTotal(page, ALL);
    expect(page.url()).toBe(`${suite.server.url}/console/`);
    await page.locator('summary').filter({ hasText: 'Status' }).click();
    expect(await page.getByRole('group', { name: 'Status' }).getByLabel('Running').isChecked()).toBe(false);
    await page.keyboard.press('Escape');

    await page.goForward();
    await expectTotal(page, running);
    await page.goForward();
    await page.goForward();
    await page.getByText('Page 2 of 3').waitFor();
    expect(await page.getByLabel('Database', { exact: true }).inputValue()).toBe('ledger');
    await expect.poll(() => rowIds(page)).toEqual(second);

    // Live: a task that leaves the filters (cancelled elsewhere: Canceling) leaves the page.
    const leaving = second[0] as string;
    const job = await api.findJob(leaving);
    if (!job) throw new Error('the migration is not listed');
    await api.cancelMigration(job);
    await expectTotal(page, 29);
    expect(await rowIds(page)).not.toContain(leaving);
    suite.expectClean();
  });
});
