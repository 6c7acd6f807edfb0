import type { JobItem } from '@ddm-jobs/contract/wire';
import { describe, expect, it } from 'vitest';
import { batchActionsOf } from '../../packages/console/src/tasks/batch.js';
import {
  DEFAULT_VIEW,
  jobFilters,
  parseView,
  type View,
  viewSearch,
} from '../../packages/console/src/view/view-state.js';

/** The Task Center's view as a query string, and the actions a batch may offer. */

const FILTERED: View = {
  range: { kind: 'custom', start: 1_767_000_000_000, end: 1_767_100_000_000 },
  filters: {
    statuses: ['Running', 'Failed'],
    names: ['migrateLogicDb', 'EnlargeNode'],
    instance: 'ddm orders & co',
    database: 'db_1',
    jobId: 'c1f0b7e2-5a4d-4c1e-9d7b-3e2f6a8b9c01',
  },
  page: 3,
  size: 50,
  open: 'c1f0b7e2-5a4d-4c1e-9d7b-3e2f6a8b9c01',
};

describe('the view in the address', () => {
  it('writes one readable link per view and reads it back to the same view', () => {
    expect(viewSearch(DEFAULT_VIEW)).toBe('');
    expect(parseView('')).toEqual(DEFAULT_VIEW);
    const search = viewSearch(FILTERED);
    expect(search).toBe(
      '?from=1767000000000&to=1767100000000&status=Running,Failed&name=migrateLogicDb,EnlargeNode' +
        '&instance=ddm+orders+%26+co&database=db_1&job=c1f0b7e2-5a4d-4c1e-9d7b-3e2f6a8b9c01&page=3&size=50' +
        '&open=c1f0b7e2-5a4d-4c1e-9d7b-3e2f6a8b9c01',
    );
    expect(parseView(search)).toEqual(FILTERED);
    expect(viewSearch({ ...DEFAULT_VIEW, range: { kind: 'preset', preset: '24h' } })).toBe('?range=24h');
  });

  it('falls back to the defaults for what a hand-edited link gets wrong', () => {
    const view = parseView('?range=2d&status=Running,running,,Nope&size=7&page=0&from=5&to=1&open=');
    expect(view).toEqual({ ...DEFAULT_VIEW, filters: { ...DEFAULT_VIEW.filters, statuses: ['Running'] } });
    // A page far past any list is capped, so its offset stays an integer the API reads.
    expect(parseView('?page=999999999999999&size=100').page).toBe(1_000_000);
  });

  it('sends only the filters that are set, in the SDK’s names', () => {
    expect(jobFilters(DEFAULT_VIEW.filters)).toEqual({});
    expect(jobFilters({ ...DEFAULT_VIEW.filters, statuses: ['Failed'], jobId: 'x1' })).toEqual({
      status: ['Failed'],
      jobId: 'x1',
    });
  });
});

describe('the actions a batch offers', () => {
  const task = (operations: JobItem['operations']) => ({ operations }) as JobItem;

  it('offers what every selected task offers, except the switch window, which needs input', () => {
    const failed = task(['toBeCanceled', 'toBeRetried', 'toBeRolled']);
    const waiting = task(['modifySwitchingStrategy', 'toBeSwitched', 'toBeCanceled']);
    expect(batchActionsOf([])).toEqual([]);
    expect(batchActionsOf([failed])).toEqual(['cancel', 'retry', 'rollback']);
    expect(batchActionsOf([waiting])).toEqual(['switch', 'cancel']);
    expect(batchActionsOf([failed, waiting])).toEqual(['cancel']);
    expect(batchActionsOf([failed, task([])])).toEqual([]);
  });
});
