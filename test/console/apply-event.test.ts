import type { JobItem, TenantStreamEvent } from '@ddm-jobs/contract/wire';
import { describe, expect, it } from 'vitest';
import { applyEvent, type ListPage, type PageContext } from '../../packages/console/src/tasks/apply-event.js';

/** How the console applies a stream event to the page it shows, without asking the server. */

const job = (id: string, minute: number, status: JobItem['status'] = 'Running'): JobItem => ({
  id,
  name: 'migrateLogicDb',
  status,
  created_time: `2026-01-01T00:${String(minute).padStart(2, '0')}:00+0000`,
  end_time: `2026-01-01T00:${String(minute).padStart(2, '0')}:00+0000`,
  process: '0%',
  instance_name: 'ddm-orders',
  instance_id: 'i1',
  operations: ['toBeCanceled'],
  database_name: 'db',
  fail_reason: '',
});

const START = Date.UTC(2026, 0, 1, 0, 10);
/** The window starts at 00:10 (a preset: no end). */
const context = (offset = 0, limit = 3): PageContext => ({ offset, limit, inWindow: (ms) => ms >= START });
const page = (...rows: JobItem[]): ListPage => ({ rows, total: 5, flash: new Set() });
const event = (type: TenantStreamEvent['type'], j: JobItem | null): TenantStreamEvent => ({ type, job: j });

describe('applyEvent', () => {
  it('replaces a changed task in place and highlights it only when its status changed', () => {
    const shown = page(job('c', 30), job('b', 20), job('a', 15));
    const progressed = applyEvent(shown, event('changed', { ...job('b', 20), process: '40%' }), context());
    expect(progressed.rows.map((r) => r.process)).toEqual(['0%', '40%', '0%']);
    expect([...progressed.flash]).toEqual([]);
    const moved = applyEvent(progressed, event('changed', job('b', 20, 'Canceling')), context());
    expect(moved.rows.map((r) => r.status)).toEqual(['Running', 'Canceling', 'Running']);
    expect([...moved.flash]).toEqual(['b']);
    expect(moved.total).toBe(5);
  });

  it('puts a new task of the window at the top of the first page, keeps the page size, grows the total', () => {
    const next = applyEvent(
      page(job('c', 30), job('b', 20), job('a', 15)),
      event('created', job('d', 40)),
      context(),
    );
    expect(next.rows.map((r) => r.id)).toEqual(['d', 'c', 'b']);
    expect(next.total).toBe(6);
    expect([...next.flash]).toEqual(['d']);
    // Applied twice (the stream repeats what the list had): nothing more.
    expect(applyEvent(next, event('created', job('d', 40)), context()).total).toBe(6);
  });

  it('only counts a new task on a later page, and ignores one outside the window', () => {
    const later = applyEvent(page(job('b', 20)), event('created', job('d', 40)), context(3));
    expect(later.rows.map((r) => r.id)).toEqual(['b']);
    expect(later.total).toBe(6);
    const outside = applyEvent(page(job('b', 20)), event('created', job('old', 5)), context());
    expect(outside.total).toBe(5);
  });

  it('removes a removed task and shrinks the total; one of another page only shrinks the total', () => {
    const removed = applyEvent(page(job('c', 30), job('b', 20)), event('removed', job('b', 20)), context());
    expect(removed.rows.map((r) => r.id)).toEqual(['c']);
    expect(removed.total).toBe(4);
    const elsewhere = applyEvent(page(job('c', 30)), event('removed', job('x', 12)), context());
    expect(elsewhere.rows).toHaveLength(1);
    expect(elsewhere.total).toBe(4);
  });

  it('leaves the page alone for a reset (the caller reloads) and for a change to a task not shown', () => {
    const shown = page(job('c', 30));
    expect(applyEvent(shown, event('reset', null), context())).toBe(shown);
    expect(applyEvent(shown, event('changed', job('z', 50)), context())).toBe(shown);
  });
});
