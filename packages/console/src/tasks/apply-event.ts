import type { JobItem, TenantStreamEvent } from '@ddm-jobs/contract/wire';
import { createdMs } from './job-fields.js';

/** One page of the list as shown: the rows, the window's total and the rows to highlight once. */
export interface ListPage {
  rows: JobItem[];
  total: number;
  /** Ids of rows whose status changed (or that arrived) since shown: highlighted once. */
  flash: ReadonlySet<string>;
}

export interface PageContext {
  offset: number;
  limit: number;
  /** Whether a task created at that instant belongs to the listed window. */
  inWindow: (createdMs: number) => boolean;
}

const byNewest = (a: JobItem, b: JobItem) => createdMs(b) - createdMs(a);

function withFlash(flash: ReadonlySet<string>, id: string): ReadonlySet<string> {
  return new Set(flash).add(id);
}

/**
 * A stream event applied to the page shown, without asking the server: a changed task is
 * replaced in place; a new one of the window grows the total and, on the first page, appears at
 * the top (the newest first); a removed one leaves. Applying an event twice changes nothing more
 * (the stream may repeat what the list already shows). `reset` is the caller's: load again.
 */
export function applyEvent(page: ListPage, event: TenantStreamEvent, context: PageContext): ListPage {
  const job = event.job;
  if (job === null || event.type === 'reset') return page;
  const index = page.rows.findIndex((row) => row.id === job.id);
  const belongs = context.inWindow(createdMs(job));

  if (event.type === 'removed') {
    if (index < 0 && !belongs) return page;
    const rows = index < 0 ? page.rows : page.rows.filter((row) => row.id !== job.id);
    return { ...page, rows, total: Math.max(0, page.total - 1) };
  }

  if (index >= 0) {
    const before = page.rows[index];
    const rows = page.rows.slice();
    rows[index] = job;
    const flash = before && before.status !== job.status ? withFlash(page.flash, job.id) : page.flash;
    return { ...page, rows, flash };
  }

  // A task not on the page: only a creation in the window concerns it (a change to a task on
  // another page, or outside the window, does not).
  if (event.type !== 'created' || !belongs) return page;
  const total = page.total + 1;
  if (context.offset > 0) return { ...page, total };
  const rows = [job, ...page.rows].sort(byNewest).slice(0, context.limit);
  return { rows, total, flash: withFlash(page.flash, job.id) };
}
