import { describe, expect, it } from 'vitest';
import { CLI, envWithout, REPO, runToEnd } from '../support/processes.js';
import { type ConsoleServer, consoleSuite, FAILED_MIGRATION, signInThroughForm } from './console-fixture.js';

/**
 * The console offers actions only to a user who may take them: a `readonly` user of the project
 * sees the tasks and no action button anywhere; the admin (`te_admin`) still sees them.
 */

const VIEWER = { user: 'viewer', password: 'viewer console password' };

/** `ddm-jobs iam ...` on the running server's data folder, which must succeed. */
async function iam(server: ConsoleServer, args: string[]): Promise<void> {
  const done = await runToEnd(process.execPath, [CLI, 'iam', ...args, '--data-dir', server.dataDir], {
    cwd: REPO,
    env: envWithout('DDM_JOBS_'),
    input: '',
  });
  if (done.code !== 0) throw new Error(`iam ${args.join(' ')}: ${done.code} ${done.stderr}`);
}

const suite = consoleSuite({
  async prepare(server) {
    await iam(server, ['user', 'create', VIEWER.user, '--password', VIEWER.password]);
    await iam(server, ['role', 'grant', 'readonly', '--user', VIEWER.user, '--project', 'default']);
  },
});

async function signedInAs(user?: typeof VIEWER) {
  const watched = await suite.open();
  await signInThroughForm(watched.page, suite.server.url, user);
  return watched.page;
}

describe('action buttons and roles', () => {
  it('shows a readonly user the tasks and no action button, in the list or the detail panel', async () => {
    const page = await signedInAs(VIEWER);
    const failed = page.locator(`tr[data-job-id="${FAILED_MIGRATION}"]`);
    expect(await failed.locator('.badge').textContent()).toBe('Failed');
    expect(await page.locator('.task-table thead th').allTextContents()).not.toContain('Actions');
    expect(await page.locator('.task-table tbody button').count()).toBe(0);
    expect(await page.locator('td[data-label="Actions"]').count()).toBe(0);

    await failed.locator('.task-name').click();
    const panel = page.getByRole('dialog');
    await panel.waitFor();
    for (const label of ['Cancel', 'Retry', 'Roll back', 'Clean up', 'Switch routes', 'Change window'])
      expect(await page.getByRole('button', { name: label, exact: true }).count(), label).toBe(0);
    suite.expectClean();
  });

  it('still shows the admin (te_admin) the actions a task offers', async () => {
    const page = await signedInAs();
    expect(await page.locator('.task-table thead th').allTextContents()).toContain('Actions');
    const failed = page.locator(`tr[data-job-id="${FAILED_MIGRATION}"]`);
    expect(await failed.locator('td[data-label="Actions"] button').allTextContents()).toEqual([
      'Cancel',
      'Retry',
      'Roll back',
    ]);
    suite.expectClean();
  });
});
