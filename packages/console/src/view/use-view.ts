import { useCallback, useEffect, useState } from 'preact/hooks';
import { parseView, type View, viewSearch } from './view-state.js';

/**
 * How a change of view enters the browser's history: `push` makes a step that back returns from
 * (a person's choice); `replace` rewrites the current step (a correction the page made itself, or
 * a text filter while it is being typed, which would otherwise leave one step per key).
 */
export type HistoryMode = 'push' | 'replace';

/**
 * The Task Center's view, read from the query string when the page opens and on back/forward
 * (`popstate`), and written to it on every change, so that the address bar always holds a link to
 * what is shown.
 */
export function useView(): [View, (next: View, mode?: HistoryMode) => void] {
  const [view, setView] = useState<View>(() => parseView(location.search));

  useEffect(() => {
    const restore = () => setView(parseView(location.search));
    addEventListener('popstate', restore);
    return () => removeEventListener('popstate', restore);
  }, []);

  const change = useCallback((next: View, mode: HistoryMode = 'push') => {
    const search = viewSearch(next);
    // One view, one link: a change that writes the same query string adds no step.
    if (search !== location.search) {
      const url = `${location.pathname}${search}${location.hash}`;
      if (mode === 'push') history.pushState(null, '', url);
      else history.replaceState(null, '', url);
    }
    setView(next);
  }, []);

  return [view, change];
}
