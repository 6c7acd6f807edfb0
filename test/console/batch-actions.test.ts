import { DdmApiError, type DdmClient } from '@ddm-jobs/client';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { CLI, envWithout, REPO, runToEnd } from '../support/processes.js';
import { adminClient } from './admin-client.js';
import {
  consoleSuite,
  DEMO_RUNNING,
  expectAccessible,
  FAILED_MIGRATION,
  foreignRequests,
  isFocused,
  signInThroughForm,
  TOTALS,
  type Watched,
} from './console-fixture.js';

/**
 * Actions on several tasks at once: a checkbox per row and one for the page, a bar offering the
 * actions every selected task offers, one confirmation, then what became of each task: done, or
 * refused with the API's message when a task moved on between selection and confirmation.
 */

const BATCH = [
  'e1a7c3d2-6b5a-4c4d-9e3f-1a2b3c4d5e01',
  'e1a7c3d2-6b5a-4c4d-9e3f-1a2b3c4d5e02',
  'e1a7c3d2-6b5a-4c4d-9e3f-1a2b3c4d5e03',
] as const;
/** Three migrations at work, created 4, 3 and 2 minutes before the clock's start. */
const MIGRATIONS = `
project: default
instance: { id: 7a8b9c0d1e2f4a3b4c5d6e7f8a9b0c1din09, name: ddm-batch }
tasks:
${BATCH.map(
  (id, i) => `  - name: migrateLogicDb
    id: ${id}
    database: db_batch_${i + 1}
    start: -${4 - i}m
    steps:
      - { status: Running, progress: 100, over: 4h }
`,
).join('')}`;
const ALL = TOTALS['7 days'] + BATCH.length;
const VIEWER = { user: 'viewer', password: 'viewer batch password' };

let api: DdmClient;
const suite = consoleSuite({
  async prepare(server) {
    await server.record(MIGRATIONS);
    api = adminClient(server);
    // A readonly user of the project, made as an operator would (as action-roles.test.ts does).
    for (const args of [
      ['user', 'create', VIEWER.user, '--password', VIEWER.password],
      ['role', 'grant', 'readonly', '--user', VIEWER.user, '--project', 'default'],
    ]) {
      const done = await runToEnd(process.execPath, [CLI, 'iam', ...args, '--data-dir', server.dataDir], {
        cwd: REPO,
        env: envWithout('DDM_JOBS_'),
        input: '',
      });
      if (done.code !== 0) throw new Error(`iam ${args.join(' ')}: ${done.code} ${done.stderr}`);
    }
  },
});

/** Signed in, every task of the 7 days on one page (20 a page, from the address). */
async function signedIn(user?: typeof VIEWER): Promise<Page> {
  const watched = await suite.open();
  await watched.page.goto(`${suite.server.url}/console/?size=20`);
  await signInThroughForm(watched.page, suite.server.url, user);
  await expect.poll(() => suite.watched?.page.locator('.task-table tbody tr').count()).toBe(ALL);
  return watched.page;
}

const row = (page: Page, id: string) => page.locator(`tr[data-job-id="${id}"]`);
const select = (page: Page, id: string) => row(page, id).getByRole('checkbox').check();
const batchButtons = (page: Page) =>
  page.getByRole('region', { name: 'Selected tasks' }).getByRole('button').allTextContents();
const selectedCount = (page: Page) => page.getByTestId('selected-count').textContent();

describe('actions on several tasks at once', () => {
  it('offers only what every selected task offers, and selects the whole page at once', async () => {
    const page = await signedIn();
    expect(await selectedCount(page)).toBe('0 tasks selected');
    expect(await batchButtons(page)).toEqual([]);

    // A failed migration (Cancel, Retry, Roll back) and one at work (Cancel): Cancel only.
    await select(page, FAILED_MIGRATION);
    expect(await batchButtons(page)).toEqual([
      'Cancel selected',
      'Retry selected',
      'Roll back selected',
      'Clear selection',
    ]);
    await select(page, DEMO_RUNNING);
    expect(await selectedCount(page)).toBe('2 tasks selected');
    expect(await batchButtons(page)).toEqual(['Cancel selected', 'Clear selection']);
    // Some selected: the page's box is neither ticked nor clear.
    const all = page.getByRole('checkbox', { name: 'Select all on this page' });
    expect(await all.evaluate((box) => (box as unknown as { indeterminate: boolean }).indeterminate)).toBe(
      true,
    );

    // The whole page: finished tasks among them, so no action is common to all.
    await all.check();
    expect(await selectedCount(page)).toBe(`${ALL} tasks selected`);
    await page.getByText('The selected tasks have no action in common.').waitFor();
    await expectAccessible(page, 'the task list with every row selected');
    await all.uncheck();
    expect(await selectedCount(page)).toBe('0 tasks selected');
    // On a phone's width the rows are cards without a header: the page's box is still there.
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await all.isVisible()).toBe(true);
    expect(await row(page, DEMO_RUNNING).getByRole('checkbox').isVisible()).toBe(true);
    await page.setViewportSize({ width: 1280, height: 800 });

    // A selection ends with its page: another range shows none selected.
    await select(page, DEMO_RUNNING);
    await page.getByRole('button', { name: '24 hours', exact: true }).click();
    await expect.poll(() => selectedCount(page)).toBe('0 tasks selected');
    expect(suite.watched?.errors).toEqual([]);
  });

  it('shows a user who may not act no checkbox and no batch bar', async () => {
    const page = await signedIn(VIEWER);
    expect(await page.locator('.task-table input[type="checkbox"]').count()).toBe(0);
    expect(await page.getByRole('region', { name: 'Selected tasks' }).count()).toBe(0);
    expect(suite.watched?.errors).toEqual([]);
  });

  it('cancels three migrations with one confirmation; one cancelled meanwhile is refused with the API message', async () => {
    const page = await signedIn();
    for (const id of BATCH) await select(page, id);
    expect(await selectedCount(page)).toBe('3 tasks selected');
    await page.getByRole('button', { name: 'Cancel selected' }).click();
    const dialog = page.getByRole('dialog', { name: 'Cancel: 3 tasks' });
    await dialog.waitFor();
    expect(
      await dialog
        .locator('.batch-result')
        .evaluateAll((items) => items.map((li) => li.getAttribute('data-job-id'))),
    ).toEqual([...BATCH].reverse()); // in the order of the page: newest first
    // A disruptive action starts on Go back.
    expect(await isFocused(dialog.getByRole('button', { name: 'Go back' }))).toBe(true);
    await expectAccessible(page, 'the batch confirmation');

    // Between selection and confirmation, someone else cancels the second one.
    const second = BATCH[1];
    const job = await api.findJob(second);
    if (!job) throw new Error('the second migration is not listed');
    await api.cancelMigration(job);
    await expect.poll(() => row(page, second).locator('.badge').textContent()).toBe('Canceling');
    // What the API says to a second cancel of it: the message the dialog must show.
    const refusal = await api.cancelMigration(job).then(
      () => undefined,
      (error: unknown) =>
        error instanceof DdmApiError ? `${error.errorMsg} (${error.errorCode})` : String(error),
    );
    expect(refusal).toMatch(/\(DBS\.\d+\)$/);

    await dialog.getByRole('button', { name: 'Cancel 3 tasks' }).click();
    await expect
      .poll(() => dialog.getByTestId('batch-summary').textContent())
      .toBe('2 tasks done, 1 refused.');
    const outcome = (id: string) => dialog.locator(`.batch-result[data-job-id="${id}"]`);
    expect(await outcome(BATCH[0]).locator('.batch-result__outcome').textContent()).toBe('Done');
    expect(await outcome(BATCH[2]).locator('.batch-result__outcome').textContent()).toBe('Done');
    expect(await outcome(second).locator('.batch-result__outcome').textContent()).toBe('Refused');
    expect(await outcome(second).locator('.batch-result__message').textContent()).toBe(refusal);
    // The focus moves from the confirm button, now gone, to Close.
    const close = dialog.getByRole('button', { name: 'Close', exact: true }).last();
    expect(await isFocused(close)).toBe(true);
    await expectAccessible(page, 'the batch results');

    // Done on the server: all three cancelling, the selection over.
    for (const id of BATCH) expect((await api.findJob(id))?.status).toBe('Canceling');
    await close.click();
    await dialog.waitFor({ state: 'detached' });
    for (const id of BATCH)
      await expect.poll(() => row(page, id).locator('.badge').textContent()).toBe('Canceling');
    expect(await selectedCount(page)).toBe('0 tasks selected');
    expect(foreignRequests(suite.watched as Watched, suite.server.url)).toEqual([]);
    // The refused request is the one error Chromium logs.
    expect(suite.watched?.errors).toEqual([expect.stringMatching(/status of 4\d\d/)]);
  });
});
