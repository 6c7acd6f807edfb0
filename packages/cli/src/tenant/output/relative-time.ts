const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

// `auto` only for seconds, where it turns 0 into "now"; for days it would say "yesterday" of a
// task 30 hours old, which reads as a calendar day it may not be. Made at the first use, not when
// the CLI loads: a process's first Intl call loads ICU's data, 15 to 25 ms of `ddm-jobs serve`'s
// start.
let formats: { seconds: Intl.RelativeTimeFormat; always: Intl.RelativeTimeFormat } | undefined;
const relativeFormats = () =>
  (formats ??= {
    seconds: new Intl.RelativeTimeFormat('en', { numeric: 'auto' }),
    always: new Intl.RelativeTimeFormat('en', { numeric: 'always' }),
  });

/**
 * `epochMs` relative to `nowMs` for people: "now", "42 seconds ago", "3 minutes ago", "in 2
 * hours", "5 days ago". Rounded to the nearest of the largest unit that fits, so a task created
 * 2 days 23 hours ago and one ended 5 minutes later both read "3 days ago".
 */
export function relativeTime(epochMs: number, nowMs: number): string {
  const diff = epochMs - nowMs;
  const count = (unit: number) => Math.round(diff / unit) || 0; // `|| 0`: no "-0 seconds"
  const { seconds, always } = relativeFormats();
  if (Math.abs(count(SECOND)) < 60) return seconds.format(count(SECOND), 'second');
  if (Math.abs(count(MINUTE)) < 60) return always.format(count(MINUTE), 'minute');
  if (Math.abs(count(HOUR)) < 24) return always.format(count(HOUR), 'hour');
  return always.format(count(DAY), 'day');
}
