import type { JobItem, RunLogItem } from '@ddm-jobs/contract/wire';
import { useEffect, useState } from 'preact/hooks';
import type { ConsoleApi } from '../api/console-api.js';
import { describeError, isAbort } from '../api/describe-error.js';
import { ZonedTime } from '../time/zoned-time.js';

/** Lines read when the panel opens: a panel is for a glance; `ddm-jobs logs ID` shows them all. */
export const RUN_LOG_LINES = 200;

type LogState =
  | { kind: 'loading' }
  | { kind: 'error'; message: string }
  | { kind: 'ready'; lines: RunLogItem[] };

const keyOf = (line: RunLogItem) => `${line.created_time} ${line.level} ${line.message}`;

/**
 * The read lines, then the live ones. The stream is open before the read, so a line written
 * while reading comes both ways: a live line equal (time, level, message) to one read is
 * dropped once.
 */
export function mergeLines(read: readonly RunLogItem[], live: readonly RunLogItem[]): RunLogItem[] {
  const left = new Map<string, number>();
  for (const line of read) left.set(keyOf(line), (left.get(keyOf(line)) ?? 0) + 1);
  const fresh = live.filter((line) => {
    const n = left.get(keyOf(line)) ?? 0;
    if (n > 0) left.set(keyOf(line), n - 1);
    return n === 0;
  });
  return [...read, ...fresh];
}

/** A task's run log, oldest first (newest at the bottom), with the lines the stream brings. */
export function RunLogList({
  api,
  job,
  live,
}: {
  api: ConsoleApi;
  job: JobItem;
  live: readonly RunLogItem[];
}) {
  const [state, setState] = useState<LogState>({ kind: 'loading' });
  useEffect(() => {
    const controller = new AbortController();
    setState({ kind: 'loading' });
    api.runLogs(job, RUN_LOG_LINES, controller.signal).then(
      (lines) => setState({ kind: 'ready', lines }),
      (error) => {
        if (!isAbort(error)) setState({ kind: 'error', message: describeError(error) });
      },
    );
    return () => controller.abort();
  }, [api, job.id]);

  if (state.kind === 'loading')
    return (
      <p class="muted" role="status">
        Loading the run log…
      </p>
    );
  if (state.kind === 'error')
    return (
      <p class="form-error" role="alert">
        The run log could not be loaded: {state.message}
      </p>
    );
  const lines = mergeLines(state.lines, live);
  if (lines.length === 0) return <p class="muted">No log lines yet.</p>;
  return (
    <ol class="run-log" aria-label="Run log">
      {lines.map((line, index) => (
        <li
          key={`${index}-${line.created_time}`}
          class={`run-log__line run-log__line--${line.level.toLowerCase()}`}
        >
          <span class="run-log__time">
            <ZonedTime ms={line.created_time} />
          </span>
          <span class="run-log__level">{line.level}</span>
          <span class="run-log__message">{line.message}</span>
        </li>
      ))}
    </ol>
  );
}
