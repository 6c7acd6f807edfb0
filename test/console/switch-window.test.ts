import { describe, expect, it } from 'vitest';
import { consoleSuite, signInThroughForm } from './console-fixture.js';

/**
 * The strategy dialog ("Change window"): a daily window as two time inputs to the second, in the
 * server's time zone, starting from what the task shows (a window, so automatic), checked as the
 * server checks it before anything is sent, then saved.
 */

/** The demo's documented ToBeSwitched task, with its daily window (03:00 to 04:00). */
const WAITING = '92370d30-3ddc-4e05-b8ab-51662d824318';

const suite = consoleSuite();

async function storedWindow(id: string) {
  const response = await fetch(`${suite.server.url}/internal/v1/jobs/${id}`, {
    headers: { 'x-auth-token': await suite.server.adminToken() },
  });
  const { job } = (await response.json()) as { job: Record<string, unknown> };
  return [job.switch_route_begin_time, job.switch_route_end_time];
}

describe('the switch window dialog', () => {
  it('starts from the task (automatic), refuses a window under an hour without a request, saves a daily window', async () => {
    const watched = await suite.open();
    const { page } = watched;
    await signInThroughForm(page, suite.server.url);
    const row = page.locator(`tr[data-job-id="${WAITING}"]`);
    await row.getByRole('button', { name: 'Change window' }).click();
    const dialog = page.getByRole('dialog', { name: 'Change the switch window' });
    await dialog.waitFor();

    // The task has a window (it does not offer Switch routes), so the dialog starts automatic.
    expect(await dialog.getByLabel('Automatically, every day within a window').isChecked()).toBe(true);
    const begin = dialog.getByLabel('Window begins');
    const end = dialog.getByLabel('Window ends');
    expect(await begin.getAttribute('type')).toBe('time');
    expect(await begin.getAttribute('step')).toBe('1');

    const puts = () =>
      (watched?.requests ?? []).filter((request) => request.includes('route-switch-strategy'));
    await begin.fill('17:00:00');
    await end.fill('17:30:00');
    await dialog.getByRole('button', { name: 'Save window' }).click();
    await expect
      .poll(() => dialog.getByRole('alert').textContent())
      .toBe('The window must end at least 60 minutes after it begins, on the same day.');
    expect(puts()).toEqual([]);
    expect(await storedWindow(WAITING)).toEqual(['03:00:00', '04:00:00']);

    await end.fill('18:15:30');
    await dialog.getByRole('button', { name: 'Save window' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByText('The switch window was changed.').waitFor();
    expect(await storedWindow(WAITING)).toEqual(['17:00:00', '18:15:30']);
    expect(puts()).toHaveLength(1);
    suite.expectClean(watched);
  });
});
