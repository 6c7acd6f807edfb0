import type { JobHistoryEntry } from '@ddm-jobs/contract/wire';
import { useEffect, useState } from 'preact/hooks';
import type { ConsoleApi } from '../api/console-api.js';
import { describeError, isAbort } from '../api/describe-error.js';
import { DdmTime } from '../time/zoned-time.js';
import { StatusBadge } from './status-badge.js';

type HistoryState =
  | { kind: 'loading' }
  | { kind: 'error'; message: string }
  | { kind: 'ready'; entries: JobHistoryEntry[] };

/** A task's status changes, oldest first; read again whenever the task's status changes. */
export function HistoryList({ api, jobId, status }: { api: ConsoleApi; jobId: string; status: string }) {
  const [state, setState] = useState<HistoryState>({ kind: 'loading' });
  useEffect(() => {
    const controller = new AbortController();
    api.history(jobId, controller.signal).then(
      (entries) => setState({ kind: 'ready', entries }),
      (error) => {
        if (!isAbort(error)) setState({ kind: 'error', message: describeError(error) });
      },
    );
    return () => controller.abort();
  }, [api, jobId, status]);

  if (state.kind === 'loading')
    return (
      <p class="muted" role="status">
        Loading the history…
      </p>
    );
  if (state.kind === 'error')
    return (
      <p class="form-error" role="alert">
        The history could not be loaded: {state.message}
      </p>
    );
  if (state.kind !== 'ready' || state.entries.length === 0)
    return <p class="muted">No status changes recorded.</p>;
  return (
    <ol class="history">
      {state.entries.map((entry, index) => (
        <li key={`${index}-${entry.status}`} class="history__entry">
          <span class="history__time">
            <DdmTime text={entry.time} />
          </span>
          <StatusBadge status={entry.status} />
          {entry.process && <span class="muted">{entry.process}</span>}
        </li>
      ))}
    </ol>
  );
}
