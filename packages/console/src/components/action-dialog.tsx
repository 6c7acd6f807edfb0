import type { DailySwitchWindow } from '@ddm-jobs/client';
import { type JobItem, MIN_SWITCH_WINDOW_SECONDS, parseDailyTime } from '@ddm-jobs/contract/wire';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ConsoleApi } from '../api/console-api.js';
import { describeError, isUnauthorized } from '../api/describe-error.js';
import { ACTIONS, type TaskAction } from '../tasks/actions.js';
import { ModalDialog } from './modal-dialog.js';
import { StatusBadge } from './status-badge.js';
import { SwitchWindowFields, type SwitchWindowValue } from './switch-window-fields.js';

interface ActionDialogProps {
  job: JobItem;
  action: TaskAction;
  api: ConsoleApi;
  onClose: () => void;
  onDone: (message: string) => void;
}

/** A time input's value as `HH:mm:ss`: browsers leave the seconds out when they are zero. */
const withSeconds = (value: string) => (/^\d{2}:\d{2}$/.test(value) ? `${value}:00` : value);

/** The window typed in, checked as the server will (one day, 60 minutes); a message when it cannot be sent. */
function windowFrom(value: SwitchWindowValue): DailySwitchWindow | undefined | string {
  if (value.mode === 'manual') return undefined;
  const begin = withSeconds(value.begin);
  const end = withSeconds(value.end);
  const beginSecond = parseDailyTime(begin);
  const endSecond = parseDailyTime(end);
  if (beginSecond === undefined || endSecond === undefined) return 'Enter when the window begins and ends.';
  if (endSecond - beginSecond < MIN_SWITCH_WINDOW_SECONDS)
    return 'The window must end at least 60 minutes after it begins, on the same day.';
  return { begin, end };
}

/**
 * Where the dialog starts until the task's details arrive: the list shows only whether a task
 * has a window (a manual task offers toBeSwitched), so the mode is the task's, the times empty.
 */
const initialStrategy = (job: JobItem): SwitchWindowValue => ({
  mode: job.operations.includes('toBeSwitched') ? 'manual' : 'window',
  begin: '',
  end: '',
});

/**
 * The task's current strategy from its details (`GET .../migration/jobs/{id}`), once they
 * arrive, unless the person already changed a field: what they typed is never overwritten.
 * Without the details (an error) the dialog keeps its start; saving still works.
 */
function useCurrentStrategy(job: JobItem, api: ConsoleApi, enabled: boolean) {
  const [strategy, setStrategy] = useState<SwitchWindowValue>(() => initialStrategy(job));
  const touched = useRef(false);
  useEffect(() => {
    if (!enabled) return;
    const controller = new AbortController();
    api.details(job, controller.signal).then(
      (details) => {
        if (touched.current) return;
        setStrategy(
          details.switch_route_is_manual
            ? { mode: 'manual', begin: '', end: '' }
            : { mode: 'window', begin: details.auto_switch_begin_time, end: details.auto_switch_end_time },
        );
      },
      // Without the details the dialog keeps its start: the person can still type a window.
      () => {},
    );
    return () => controller.abort();
  }, [api, job.id, enabled]);
  const change = (value: SwitchWindowValue) => {
    touched.current = true;
    setStrategy(value);
  };
  return [strategy, change] as const;
}

/** Asks before acting on a task; the strategy's window is entered here too. */
export function ActionDialog({ job, action, api, onClose, onDone }: ActionDialogProps) {
  const text = ACTIONS[action];
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [strategy, setStrategy] = useCurrentStrategy(job, api, action === 'window');

  const submit = async (event: Event) => {
    event.preventDefault();
    const checked = action === 'window' ? windowFrom(strategy) : undefined;
    if (typeof checked === 'string') return setError(checked);
    setBusy(true);
    setError('');
    try {
      await api.act(job, action, checked);
      onDone(text.done);
    } catch (caught) {
      // A 401 ends the session: the sign-in page replaces everything.
      if (!isUnauthorized(caught)) setError(describeError(caught));
      setBusy(false);
    }
  };

  return (
    <ModalDialog title={text.title} onClose={onClose} busy={busy}>
      <form class="dialog__body" onSubmit={submit} noValidate>
        <p>{text.question(job)}</p>
        <dl class="summary">
          <dt>Task</dt>
          <dd>
            {job.name} <StatusBadge status={job.status} />
          </dd>
          <dt>Task ID</dt>
          <dd class="mono">{job.id}</dd>
          <dt>Instance</dt>
          <dd>
            {job.instance_name} <span class="muted mono small">{job.instance_id}</span>
          </dd>
        </dl>
        {action === 'window' && <SwitchWindowFields value={strategy} onChange={setStrategy} />}
        {error && (
          <p class="form-error" role="alert">
            {error}
          </p>
        )}
        <footer class="dialog__actions">
          {/* A disruptive action starts on "Go back", so that Enter alone does no harm. */}
          <button type="button" class="button" onClick={onClose} disabled={busy} autofocus={text.danger}>
            Go back
          </button>
          <button
            type="submit"
            class={`button ${text.danger ? 'button--danger' : 'button--primary'}`}
            disabled={busy}
            autofocus={!text.danger}
          >
            {busy ? 'Sending…' : text.confirm}
          </button>
        </footer>
      </form>
    </ModalDialog>
  );
}
