import type { TenantStreamEvent } from '@ddm-jobs/contract/wire';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { ConsoleApi } from '../api/console-api.js';
import { describeError, isAbort } from '../api/describe-error.js';
import { applyEvent, type ListPage, type PageContext } from './apply-event.js';
import { inWindow, type RangeChoice, type TimeWindow, windowOf } from './range.js';

export interface ListQuery {
  choice: RangeChoice;
  offset: number;
  limit: number;
}

export interface ListState extends ListPage {
  phase: 'loading' | 'ready' | 'error';
  error: string;
}

const INITIAL: ListState = { phase: 'loading', rows: [], total: 0, flash: new Set(), error: '' };

/**
 * One page of the task list, loaded for the query and then kept current by the stream's events.
 * Events that arrive while a page loads wait for it, then apply to it.
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
      const { choice, offset, limit } = queryRef.current;
      const window = windowOf(choice, now());
      pending.current = [];
      if (!quiet) setState((s) => ({ ...s, phase: 'loading', error: '' }));
      try {
        const page = await api.listJobs(window, offset, limit, controller.signal);
        if (controller.signal.aborted) return;
        listed.current = window;
        let shown: ListPage = { rows: page.jobs, total: page.total, flash: new Set() };
        for (const event of pending.current ?? []) shown = applyEvent(shown, event, context());
        pending.current = null;
        setState({ phase: 'ready', error: '', ...shown });
      } catch (error) {
        if (controller.signal.aborted || isAbort(error)) return;
        pending.current = null;
        setState((s) => ({ ...s, phase: 'error', error: describeError(error) }));
      }
    },
    [api, now],
  );

  useEffect(() => {
    load();
  }, [load, query.choice, query.offset, query.limit]);
  useEffect(() => () => loading.current?.abort(), []);

  const onEvent = useCallback(
    (event: TenantStreamEvent) => {
      // The emulator emptied every task: what is shown is gone.
      if (event.type === 'reset') return void load(true);
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

  return { state, load, onEvent, clearFlash };
}
