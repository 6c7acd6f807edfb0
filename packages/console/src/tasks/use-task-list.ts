import type { TenantStreamEvent } from '@ddm-jobs/contract/wire';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { ConsoleApi } from '../api/console-api.js';
import { describeError, isAbort } from '../api/describe-error.js';
import { isFiltered, type ViewFilters } from '../view/view-state.js';
import { applyEvent, type ListPage, type PageContext } from './apply-event.js';
import { inWindow, type RangeChoice, type TimeWindow, windowOf } from './range.js';

export interface ListQuery {
  choice: RangeChoice;
  offset: number;
  limit: number;
  filters: ViewFilters;
}

/**
 * How long a filtered list waits after a change event before loading again: a burst of events
 * (a batch action, a jump of the virtual clock) costs one request.
 */
const FILTERED_RELOAD_MS = 300;

export interface ListState extends ListPage {
  phase: 'loading' | 'ready' | 'error';
  error: string;
  /** The query the rows were loaded for (`keyOf`): a page shown for another query is not this one's. */
  key: string;
}

const INITIAL: ListState = { phase: 'loading', rows: [], total: 0, flash: new Set(), error: '', key: '' };

/** A query as text: objects parsed again from the address are equal but not the same. */
const keyOf = (query: ListQuery) => JSON.stringify([query.choice, query.offset, query.limit, query.filters]);

/**
 * One page of the task list, loaded for the query and then kept current by the stream's events.
 * Events that arrive while a page loads wait for it, then apply to it. A filtered page is loaded
 * again (quietly) after a change instead: whether a task entered or left the filters, and where
 * it falls among the matching tasks, only the server knows.
 */
export function useTaskList(api: ConsoleApi, query: ListQuery, now: () => number) {
  const [state, setState] = useState<ListState>(INITIAL);
  const listed = useRef<TimeWindow>({ start: 0, end: 0 });
  /** Events received while a page loads; null once it is shown. */
  const pending = useRef<TenantStreamEvent[] | null>([]);
  const loading = useRef<AbortController | null>(null);
  const queryRef = useRef(query);
  queryRef.current = query;

  const context = (): PageContext => ({
    offset: queryRef.current.offset,
    limit: queryRef.current.limit,
    inWindow: (created) => inWindow(queryRef.current.choice, listed.current, created),
  });

  /** Loads the page; `quiet` keeps what is shown until the new page is there. */
  const load = useCallback(
    async (quiet = false) => {
      loading.current?.abort();
      const controller = new AbortController();
      loading.current = controller;
      const { choice, offset, limit, filters } = queryRef.current;
      const key = keyOf(queryRef.current);
      const window = windowOf(choice, now());
      pending.current = [];
      if (!quiet) setState((s) => ({ ...s, phase: 'loading', error: '' }));
      try {
        const page = await api.listJobs(window, offset, limit, filters, controller.signal);
        if (controller.signal.aborted) return;
        listed.current = window;
        let shown: ListPage = { rows: page.jobs, total: page.total, flash: new Set() };
        for (const event of pending.current ?? []) shown = applyEvent(shown, event, context());
        pending.current = null;
        setState({ phase: 'ready', error: '', key, ...shown });
      } catch (error) {
        if (controller.signal.aborted || isAbort(error)) return;
        pending.current = null;
        setState((s) => ({ ...s, phase: 'error', error: describeError(error) }));
      }
    },
    [api, now],
  );

  const key = keyOf(query);
  useEffect(() => {
    load();
  }, [load, key]);
  const reloadTimer = useRef<ReturnType<typeof setTimeout>>();
  useEffect(
    () => () => {
      loading.current?.abort();
      clearTimeout(reloadTimer.current);
    },
    [],
  );

  const onEvent = useCallback(
    (event: TenantStreamEvent) => {
      // The emulator emptied every task: what is shown is gone.
      if (event.type === 'reset') return void load(true);
      if (isFiltered(queryRef.current.filters)) {
        // A run-log line changes no field the filters or the row show.
        if (event.type === 'log' || event.job === null) return;
        clearTimeout(reloadTimer.current);
        reloadTimer.current = setTimeout(() => load(true), FILTERED_RELOAD_MS);
        return;
      }
      if (pending.current) return void pending.current.push(event);
      setState((s) => (s.phase === 'ready' ? { ...s, ...applyEvent(s, event, context()) } : s));
    },
    [load],
  );

  const clearFlash = useCallback((id: string) => {
    setState((s) => {
      if (!s.flash.has(id)) return s;
      const flash = new Set(s.flash);
      flash.delete(id);
      return { ...s, flash };
    });
  }, []);

  /** Whether the rows shown were loaded for the current query (not the previous one's, while loading). */
  const current = state.key === key;
  return { state, current, load, onEvent, clearFlash };
}
