/**
 * Every task of a window, page after page. The window is fixed before the first page, so tasks
 * created meanwhile do not shift the pages; the API orders by creation then id, so offsets are
 * stable. Against a server that misbehaves (a total that never comes, pages of old ids) the
 * iteration still ends: at an empty page, at `total`, or at a page with nothing new.
 */
import { type JobItem, LIST_LIMIT_MAX, type ListJobsResponse } from '@ddm-jobs/contract/wire';

export type ListPage = (query: {
  startTime: number;
  endTime: number;
  offset: number;
  limit: number;
}) => Promise<ListJobsResponse>;

/**
 * Checks a page size: an integer from 1 to 128 (the API's limit).
 *
 * @example pageSizeOf(undefined) // 128
 */
export function pageSizeOf(pageSize: number | undefined): number {
  const size = pageSize ?? LIST_LIMIT_MAX;
  if (!Number.isInteger(size) || size < 1 || size > LIST_LIMIT_MAX) {
    throw new TypeError(`pageSize must be an integer from 1 to ${LIST_LIMIT_MAX}`);
  }
  return size;
}

/**
 * Yields each task of `[startTime, endTime]` once, newest first.
 *
 * @example for await (const job of pages(list, { startTime, endTime }, 128)) console.log(job.id)
 */
export async function* pages(
  list: ListPage,
  window: { startTime: number; endTime: number },
  pageSize: number,
): AsyncGenerator<JobItem, void, undefined> {
  const seen = new Set<string>();
  let offset = 0;
  for (;;) {
    const page = await list({ ...window, offset, limit: pageSize });
    let fresh = 0;
    for (const job of page.jobs) {
      if (seen.has(job.id)) continue;
      seen.add(job.id);
      fresh += 1;
      yield job;
    }
    offset += page.jobs.length;
    if (page.jobs.length === 0 || fresh === 0 || offset >= page.total) return;
  }
}
