import type { JobFilters } from '@ddm-jobs/client';
import { isJobStatus, type JobStatus } from '@ddm-jobs/contract/wire';
import { DEFAULT_PRESET, PRESETS, type RangeChoice } from '../tasks/range.js';

/**
 * What the Task Center shows, kept in the query string of `/console/` so that a copied link
 * reopens the same view and the browser's back and forward move between views:
 *
 * `range=1h|24h|7d|30d` (a preset, ending now) or `from=<epoch ms>&to=<epoch ms>` (a fixed
 * range), `status=A,B`, `name=X,Y`, `instance=…`, `database=…`, `job=<task id>`, `page=N`
 * (1-based), `size=N`, `open=<task id>`. A key at its default is left out; a value that cannot be
 * read (a typo in a hand-edited link) falls back to the default rather than failing the page.
 */
export interface View {
  range: RangeChoice;
  filters: ViewFilters;
  /** 1-based. */
  page: number;
  size: number;
  /** The task whose detail panel is open. */
  open: string | undefined;
}

/** The list API's filters (docs/api.md, "Listing tasks"); empty means not filtered. */
export interface ViewFilters {
  statuses: readonly JobStatus[];
  names: readonly string[];
  instance: string;
  database: string;
  jobId: string;
}

/** The pager's choices of rows per page (the first is the default). */
export const PAGE_SIZES = [10, 20, 50, 100] as const;

export const NO_FILTERS: ViewFilters = { statuses: [], names: [], instance: '', database: '', jobId: '' };

export const DEFAULT_VIEW: View = {
  range: { kind: 'preset', preset: DEFAULT_PRESET },
  filters: NO_FILTERS,
  page: 1,
  size: PAGE_SIZES[0],
  open: undefined,
};

/** The longest text filter the API takes (`instance`, `database`); names and ids take 64. */
const TEXT_MAX = 128;
const NAME_MAX = 64;
/**
 * Far beyond any list's last page; a larger page from a hand-edited link would make an offset
 * past the integers the API reads (a 400), where a page past the end moves to the last one.
 */
const PAGE_MAX = 1_000_000;

const positiveInteger = (text: string | null): number | undefined => {
  if (text === null || !/^\d{1,15}$/.test(text)) return undefined;
  const n = Number(text);
  return n > 0 ? n : undefined;
};

const list = (text: string | null): string[] =>
  (text ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');

const text = (value: string | null, max: number): string => {
  const trimmed = (value ?? '').trim();
  return trimmed.length <= max ? trimmed : '';
};

function rangeOf(params: URLSearchParams): RangeChoice {
  const from = positiveInteger(params.get('from'));
  const to = positiveInteger(params.get('to'));
  if (from !== undefined && to !== undefined && from <= to) return { kind: 'custom', start: from, end: to };
  const preset = PRESETS.find((p) => p.id === params.get('range'));
  return preset ? { kind: 'preset', preset: preset.id } : DEFAULT_VIEW.range;
}

/**
 * The view a query string (`location.search`, with or without its `?`) describes.
 *
 * @example parseView('?range=24h&status=Failed&page=2').filters.statuses // ['Failed']
 */
export function parseView(search: string): View {
  const params = new URLSearchParams(search);
  const size = positiveInteger(params.get('size'));
  return {
    range: rangeOf(params),
    filters: {
      statuses: [...new Set(list(params.get('status')).filter(isJobStatus))],
      names: [...new Set(list(params.get('name')).filter((name) => name.length <= NAME_MAX))],
      instance: text(params.get('instance'), TEXT_MAX),
      database: text(params.get('database'), TEXT_MAX),
      jobId: text(params.get('job'), NAME_MAX),
    },
    page: Math.min(positiveInteger(params.get('page')) ?? 1, PAGE_MAX),
    size: PAGE_SIZES.find((s) => s === size) ?? DEFAULT_VIEW.size,
    open: text(params.get('open'), NAME_MAX) || undefined,
  };
}

/**
 * The query string of a view, `?` included, or `''` for the default view; keys in a fixed
 * order, defaults left out, so that one view has one link.
 *
 * @example viewSearch({ ...DEFAULT_VIEW, page: 3 }) // '?page=3'
 */
export function viewSearch(view: View): string {
  const params = new URLSearchParams();
  if (view.range.kind === 'custom') {
    params.set('from', String(view.range.start));
    params.set('to', String(view.range.end));
  } else if (view.range.preset !== DEFAULT_PRESET) {
    params.set('range', view.range.preset);
  }
  const { statuses, names, instance, database, jobId } = view.filters;
  if (statuses.length > 0) params.set('status', statuses.join(','));
  if (names.length > 0) params.set('name', names.join(','));
  if (instance) params.set('instance', instance);
  if (database) params.set('database', database);
  if (jobId) params.set('job', jobId);
  if (view.page !== 1) params.set('page', String(view.page));
  if (view.size !== DEFAULT_VIEW.size) params.set('size', String(view.size));
  if (view.open) params.set('open', view.open);
  const search = params.toString();
  // Commas are safe in a query string: left as they are, a link stays readable.
  return search ? `?${search.replaceAll('%2C', ',')}` : '';
}

/** Whether any filter narrows the list. */
export function isFiltered(filters: ViewFilters): boolean {
  const { statuses, names, instance, database, jobId } = filters;
  return statuses.length > 0 || names.length > 0 || instance !== '' || database !== '' || jobId !== '';
}

/**
 * The view's filters as the SDK's list takes them (docs/api.md, "Listing tasks"): only those
 * set, since an empty filter is a mistake to the SDK rather than no filter.
 *
 * @example jobFilters({ ...NO_FILTERS, statuses: ['Failed'], jobId: 'c1f0' }) // { status: ['Failed'], jobId: 'c1f0' }
 */
export function jobFilters(filters: ViewFilters): JobFilters {
  const query: JobFilters = {};
  if (filters.statuses.length > 0) query.status = filters.statuses;
  if (filters.names.length > 0) query.name = filters.names;
  if (filters.instance) query.instance = filters.instance;
  if (filters.database) query.database = filters.database;
  if (filters.jobId) query.jobId = filters.jobId;
  return query;
}
