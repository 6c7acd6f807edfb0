import { beforeEach, describe, expect, it } from 'vitest';
import { ADMIN, consoleSuite, signInThroughForm, storageOf, type Watched } from './console-fixture.js';

/** Sign-in, sign-out and the end of a session: the token lives in sessionStorage only. */

const EXPIRED = 'Your session has expired. Please sign in again.';

// The refused sign-in's 401 is the browser's own console line; nothing else may fail.
const suite = consoleSuite({ serverPerTest: true, allowedError: '401' });
let watched: Watched;

beforeEach(async () => {
  watched = await suite.open();
});

describe('the Task Center session', () => {
  it('returns to sign-in with a message when the token expires, and signs in again', async () => {
    const { page } = watched;
    await signInThroughForm(page, suite.server.url);
    await page.locator('.live--live').waitFor();
    // The server's clock passes the token's 24 hours: the next answer is 401, and the stream ends.
    await suite.server.advance(24 * 3_600_000 + 60_000);
    await page.getByRole('alert').filter({ hasText: EXPIRED }).waitFor({ timeout: 25_000 });
    expect(await page.getByRole('button', { name: 'Sign in' }).isVisible()).toBe(true);
    expect((await storageOf(page)).session).toBe('');

    // Signing in again works, and lists on the server's clock (a day after the browser's): the
    // 7 days now leave out the oldest of the restarts, 7.5 days old.
    await signInThroughForm(page, suite.server.url);
    await page.locator('.live--live').waitFor();
    await expect.poll(() => page.getByTestId('total').textContent()).toBe('15');
    expect(watched.navigations).toEqual([`${suite.server.url}/console/`]);
    suite.expectClean();
  });

  it('refuses a wrong password with one message, and keeps nothing', async () => {
    const { page } = watched;
    await page.goto(`${suite.server.url}/console/`);
    expect(await page.getByLabel('Domain', { exact: true }).inputValue()).toBe('default');
    await page.getByLabel('IAM user name', { exact: true }).fill(ADMIN.user);
    await page.getByLabel('Password', { exact: true }).fill('not the password');
    await page.getByLabel('Project', { exact: true }).fill(ADMIN.project);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: 'Sign-in failed: the user name, password, domain or project is not right.' })
      .waitFor();
    expect(page.url()).toBe(`${suite.server.url}/console/`);
    expect(await storageOf(page)).toEqual({ session: '', local: 0 });
    expect(
      watched.requests.some((r) => r.includes('not%20the%20password') || r.includes('not the password')),
    ).toBe(false);
    suite.expectClean();
  });

  it('keeps the session across a reload of the tab, and forgets it on sign-out', async () => {
    const { page } = watched;
    await signInThroughForm(page, suite.server.url);
    await page.reload();
    await page.locator('.task-table tbody tr').first().waitFor();

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('You have signed out.').waitFor();
    expect((await storageOf(page)).session).toBe('');
    await page.reload();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await page.getByText(EXPIRED).count()).toBe(0);
    suite.expectClean();
  });
});
