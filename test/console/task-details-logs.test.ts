import { describe, expect, it } from 'vitest';
import { consoleSuite, signInThroughForm } from './console-fixture.js';

/**
 * A migration's details and run log in the detail panel, the log kept live by the tenant
 * stream's `log` events, and the switch-window dialog starting from the task's current window.
 */

/** The demo's ToBeSwitched migration, with its daily window 03:00 to 04:00. */
const WAITING = '92370d30-3ddc-4e05-b8ab-51662d824318';
const NODE_A = { dn_instance_id: '7edae0250ebc464897bd92b8d3e8b769in01', dn_instance_name: 'rds-a' };
const NODE_B = { dn_instance_id: 'b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7in01', dn_instance_name: 'rds-b' };

/** A producer's call on the internal API, as the emulator's admin (role service). */
async function internal(method: 'POST' | 'PATCH', path: string, body: unknown): Promise<void> {
  const response = await fetch(`${suite.server.url}${path}`, {
    method,
    headers: { 'x-auth-token': await suite.server.adminToken(), 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
}
const appendLog = (level: string, message: string) =>
  internal('POST', `/internal/v1/jobs/${WAITING}/logs`, { logs: [{ level, message }] });

const suite = consoleSuite({
  async prepare() {
    await internal('PATCH', `/internal/v1/jobs/${WAITING}`, {
      original_shard_num: 8,
      after_shard_num: 9,
      original_dn_info_list: [NODE_A],
      after_dn_info_list: [NODE_A, NODE_B],
      node_id_for_migrate: 'node09',
      is_exclusive: true,
    });
    await appendLog('INFO', 'pre-check passed');
  },
});

describe('the detail panel of a migration', () => {
  it('shows its shard change and its run log, new lines arriving live without another read', async () => {
    const watched = await suite.open();
    const { page } = watched;
    await signInThroughForm(page, suite.server.url);
    await page.locator(`tr[data-job-id="${WAITING}"]`).click();
    const panel = page.getByRole('dialog', { name: 'Task details' });
    await panel.waitFor();

    await panel.locator('dl.shard-fields').waitFor();
    const fields = Object.fromEntries(
      await panel
        .locator('dl.shard-fields dt')
        .evaluateAll((dts) => dts.map((dt) => [dt.textContent, dt.nextElementSibling?.textContent])),
    );
    expect(fields).toEqual({
      'Shards before': '8',
      'Shards after': '9',
      'Data nodes before': `rds-a ${NODE_A.dn_instance_id}`,
      'Data nodes after': `rds-a ${NODE_A.dn_instance_id}rds-b ${NODE_B.dn_instance_id}`,
      'Migrating node': 'node09',
      'Exclusive node': 'Yes',
      'Switch window': 'Daily 03:00:00 – 04:00:00 (server time)',
    });

    const log = panel.getByRole('list', { name: 'Run log' });
    await log.waitFor();
    const lines = () => log.locator('li').evaluateAll((items) => items.map((li) => li.textContent));
    expect(await lines()).toEqual(['2026-01-01 00:00:00 UTCINFOpre-check passed']);

    await appendLog('WARNING', 'shard 3 is slow');
    await appendLog('ERROR', 'shard 3 unreachable');
    await expect
      .poll(lines)
      .toEqual([
        '2026-01-01 00:00:00 UTCINFOpre-check passed',
        '2026-01-01 00:00:00 UTCWARNINGshard 3 is slow',
        '2026-01-01 00:00:00 UTCERRORshard 3 unreachable',
      ]);
    // The newest at the bottom, ERROR marked for its colour.
    expect(await log.locator('li').last().getAttribute('class')).toContain('run-log__line--error');
    // The lines came with the stream: the log was read once, when the panel opened.
    expect(watched.requests.filter((request) => request.includes('/run-logs'))).toHaveLength(1);
    suite.expectClean(watched);
  });
});

describe('the switch window dialog', () => {
  it("starts from the task's current daily window, read from its details", async () => {
    const watched = await suite.open();
    const { page } = watched;
    await signInThroughForm(page, suite.server.url);
    await page.locator(`tr[data-job-id="${WAITING}"]`).getByRole('button', { name: 'Change window' }).click();
    const dialog = page.getByRole('dialog', { name: 'Change the switch window' });
    await dialog.waitFor();
    expect(await dialog.getByLabel('Automatically, every day within a window').isChecked()).toBe(true);
    await expect.poll(() => dialog.getByLabel('Window begins').inputValue()).toBe('03:00:00');
    expect(await dialog.getByLabel('Window ends').inputValue()).toBe('04:00:00');
    expect(watched.requests.some((request) => request.includes(`/migration/jobs/${WAITING}`))).toBe(true);
    suite.expectClean(watched);
  });
});
