import type { ConsoleApi } from '../api/console-api.js';
import { BAR_GROUPS, type DayBar, scaleTop } from '../chart/day-bars.js';
import { useDayBars } from '../chart/use-day-bars.js';
import { windowOf } from '../tasks/range.js';
import { type View, viewSearch } from '../view/view-state.js';
import '../styles/chart.css';

/** Below two days a chart by day is one or two bars: the table says as much, so none is drawn. */
const MIN_RANGE_MS = 2 * 86_400_000;

interface MonthChartProps {
  api: ConsoleApi;
  view: View;
  now: () => number;
  /** Changes when what the list shows changes (a task came, finished or left): the bars follow. */
  reloadKey: string;
  /** Opens a view in the page (history entry included); without it a day's link loads the page. */
  onView?: (view: View) => void;
}

/** That day's tasks: the view with the day as a fixed range, its filters kept, from page 1. */
function dayView(view: View, bar: DayBar): View {
  return { ...view, range: { kind: 'custom', start: bar.start, end: bar.end }, page: 1, open: undefined };
}

/**
 * The range's tasks per day, stacked by final status with "in progress" on top, each day a link
 * to its tasks (its accessible name says the counts, so the colours are never the only cue).
 * Plain HTML and CSS: the heights are set through the CSSOM, which the CSP allows.
 */
export function MonthChart({ api, view, now, reloadKey, onView }: MonthChartProps) {
  const { start, end } = windowOf(view.range, now());
  const shown = end - start >= MIN_RANGE_MS;
  const state = useDayBars(api, view.range, view.filters, now, reloadKey, shown);
  if (!shown) return null;
  const top = scaleTop(state.bars);
  const { instance, database, jobId } = view.filters;
  const partly = instance !== '' || database !== '' || jobId !== '';

  const open = (event: MouseEvent, next: View) => {
    if (!onView || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey)
      return;
    event.preventDefault();
    onView(next);
  };

  return (
    <section
      class="panel chart"
      aria-labelledby="chart-title"
      aria-busy={state.phase === 'loading' ? 'true' : 'false'}
      data-testid="month-chart"
    >
      <div class="chart__head">
        <h2 id="chart-title" class="chart__title">
          Tasks per day
        </h2>
        <ul class="chart__legend" aria-label="Legend">
          {BAR_GROUPS.map((group) => (
            <li key={group.key} class="chart__key">
              <span class={`chart__swatch chart__part--${group.key}`} aria-hidden="true" />
              {group.label}
            </li>
          ))}
        </ul>
      </div>
      {partly && (
        <p class="chart__note muted small">
          By status and name only: the instance, database and task id filters apply to the table.
        </p>
      )}
      {state.phase === 'error' && (
        <p class="chart__note form-error small">The tasks per day could not be loaded: {state.error}</p>
      )}
      <div class="chart__plot">
        <div class="chart__scale" aria-hidden="true">
          <span>{top}</span>
          <span>0</span>
        </div>
        <ol class={`chart__days${state.bars.length > 16 ? ' chart__days--many' : ''}`}>
          {state.bars.map((bar) => {
            const next = dayView(view, bar);
            return (
              <li key={bar.date} class="chart__day" data-date={bar.date} data-total={bar.total}>
                <a
                  class="chart__bar"
                  href={`${location.pathname}${viewSearch(next)}`}
                  aria-label={bar.name}
                  title={bar.name}
                  onClick={(event) => open(event, next)}
                >
                  <span class="chart__stack" style={{ height: `${(bar.total / top) * 100}%` }}>
                    {bar.parts.map((part) => (
                      <span
                        key={part.group.key}
                        class={`chart__part chart__part--${part.group.key}`}
                        data-count={part.count}
                        style={{ flexGrow: part.count }}
                      />
                    ))}
                  </span>
                </a>
                <span class="chart__date" aria-hidden="true">
                  {bar.dayLabel.replace(/ \d{4}$/, '')}
                </span>
              </li>
            );
          })}
        </ol>
      </div>
    </section>
  );
}
