/** The percent in a task's `process` ("60%"), or undefined when it shows none (""). */
export function parsePercent(process: string): number | undefined {
  const match = /^(\d{1,3})%$/.exec(process);
  return match ? Math.min(100, Number(match[1])) : undefined;
}

/**
 * `[##########----------]  50%`: a bar of `width` cells and the percent, always the same length so
 * that rows stay aligned as the numbers grow; `[--------------------]    -` when none is known.
 * @example progressBar(50, 10) // '[#####-----]  50%'
 */
export function progressBar(percent: number | undefined, width = 20): string {
  if (percent === undefined) return `[${'-'.repeat(width)}]    -`;
  const clamped = Math.max(0, Math.min(100, percent));
  const filled = Math.round((clamped / 100) * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${`${Math.round(clamped)}`.padStart(3)}%`;
}
