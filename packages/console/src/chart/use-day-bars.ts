import type { CountFilters } from '@ddm-jobs/client';
import { useEffect, useState } from 'preact/hooks';
import type { ConsoleApi } from '../api/console-api.js';
import { describeError, isAbort } from '../api/describe-error.js';
import type { RangeChoice } from '../tasks/range.js';
import { windowOf } from '../tasks/range.js';
import { browserZone } from '../time/local-time.js';
import { jobFilters, type ViewFilters } from '../view/view-state.js';
import { type DayBar, dayBar } from './day-bars.js';

export type DayBarsState =
  | { phase: 'loading'; bars: readonly DayBar[] }
  | { phase: 'ready'; bars: readonly DayBar[] }
  | { phase: 'error'; bars: readonly DayBar[]; error: string };

/** The statistics call takes the filters that kept counts answer: status and name. */
function countFilters(filters: ViewFilters): CountFilters {
  const { status, name } = jobFilters(filters);
  return { ...(status ? { status } : {}), ...(name ? { name } : {}) };
}

/**
 * The range's tasks per day in the browser's zone, loaded again when the range, the status or
 * name filter, or `reloadKey` (what the list shows) changes; the bars shown stay until the new
 * ones are there. Changes that come in a burst (live events) make one request.
 */
export function useDayBars(
  api: ConsoleApi,
  choice: RangeChoice,
  filters: ViewFilters,
  now: () => number,
  reloadKey: string,
  /** False: nothing is asked (the chart is not drawn for this range). */
  enabled: boolean,
): DayBarsState {
  const [state, setState] = useState<DayBarsState>({ phase: 'loading', bars: [] });
  const rangeKey = JSON.stringify(choice);
  const filterKey = JSON.stringify(countFilters(filters));
  // The keys stand for choice and filters, whose objects may be new at each render.
  useEffect(() => {
    if (!enabled) return;
    const controller = new AbortController();
    setState((s) => (s.phase === 'loading' ? s : { phase: 'loading', bars: s.bars }));
    const timer = setTimeout(async () => {
      try {
        const answer = await api.statistics(
          windowOf(choice, now()),
          countFilters(filters),
          browserZone(),
          controller.signal,
        );
        if (!controller.signal.aborted) setState({ phase: 'ready', bars: answer.days.map(dayBar) });
      } catch (error) {
        if (controller.signal.aborted || isAbort(error)) return;
        setState((s) => ({ phase: 'error', bars: s.bars, error: describeError(error) }));
      }
    }, 250);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [api, now, rangeKey, filterKey, reloadKey, enabled]);
  return state;
}
