import type { JobStatisticsDay, JobStatus } from '@ddm-jobs/contract/wire';

/**
 * The tasks-per-day answer shaped for the chart: each day a stack of the final statuses and one
 * "in progress" part for every other status, with the words a screen reader says for its bar.
 */

/** A part of a day's bar; its class names its colour in chart.css. */
export interface BarGroup {
  key: 'completed' | 'failed' | 'cancelled' | 'rolled-back' | 'in-progress';
  /** The legend's word. */
  label: string;
  /** The final status it counts; undefined for "in progress" (every status not final). */
  status: JobStatus | undefined;
}

/** Bottom to top; the legend in the same order. */
export const BAR_GROUPS: readonly BarGroup[] = [
  { key: 'completed', label: 'Completed', status: 'Completed' },
  { key: 'failed', label: 'Failed', status: 'Failed' },
  { key: 'cancelled', label: 'Cancelled', status: 'CancelSuccess' },
  { key: 'rolled-back', label: 'Rolled back', status: 'RollbackSuccess' },
  { key: 'in-progress', label: 'In progress', status: undefined },
];

const FINAL = new Set(BAR_GROUPS.flatMap((group) => (group.status ? [group.status] : [])));

export interface DayBar {
  date: string;
  /** The day's window within the range, as the API gave it: it lists exactly that day's tasks. */
  start: number;
  end: number;
  total: number;
  /** Non-zero parts only, bottom to top. */
  parts: { group: BarGroup; count: number }[];
  /** `1 Dec 2026` */
  dayLabel: string;
  /** `1 Dec 2026: 12 tasks, 9 completed, 2 failed, 1 in progress` */
  name: string;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `2026-12-01` as `1 Dec 2026`: the date as the server named it, whatever the browser's zone. */
export function dayLabel(date: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  return m ? `${Number(m[3])} ${MONTHS[Number(m[2]) - 1] ?? m[2]} ${m[1]}` : date;
}

export function dayBar(day: JobStatisticsDay): DayBar {
  const counts = Object.entries(day.statuses) as [JobStatus, number][];
  const countOf = (group: BarGroup) =>
    counts
      .filter(([status]) => (group.status ? status === group.status : !FINAL.has(status)))
      .reduce((sum, [, n]) => sum + n, 0);
  const parts = BAR_GROUPS.map((group) => ({ group, count: countOf(group) })).filter((p) => p.count > 0);
  const label = dayLabel(day.date);
  const tasks = day.total === 0 ? 'no tasks' : `${day.total} ${day.total === 1 ? 'task' : 'tasks'}`;
  const words = parts.map((p) => `${p.count} ${p.group.label.toLowerCase()}`);
  return {
    date: day.date,
    start: day.start_time,
    end: day.end_time,
    total: day.total,
    parts,
    dayLabel: label,
    name: `${label}: ${[tasks, ...words].join(', ')}`,
  };
}

/** The top of the scale: the busiest day, at least 1 so that an empty range draws flat bars. */
export function scaleTop(bars: readonly DayBar[]): number {
  return Math.max(1, ...bars.map((bar) => bar.total));
}
