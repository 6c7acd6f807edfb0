import type { JobItem } from '@ddm-jobs/contract/wire';
import { useState } from 'preact/hooks';
import type { ConsoleApi } from '../api/console-api.js';
import { describeError, isUnauthorized } from '../api/describe-error.js';
import { ACTIONS, type TaskAction } from '../tasks/actions.js';
import type { TimeWindow } from '../tasks/range.js';
import { fromLocalInput, toLocalInput } from '../time/local-time.js';
import { ModalDialog } from './modal-dialog.js';
import { StatusBadge } from './status-badge.js';
import { SwitchWindowFields, type SwitchWindowValue } from './switch-window-fields.js';

interface ActionDialogProps {
  job: JobItem;
  action: TaskAction;
  api: ConsoleApi;
  /** Now on the server's clock. */
  now: () => number;
  onClose: () => void;
  onDone: (message: string) => void;
}

const HOUR = 3_600_000;

/** The window typed in, checked; a message when it cannot be sent. */
function windowFrom(value: SwitchWindowValue, now: number): TimeWindow | undefined | string {
  if (value.mode === 'manual') return undefined;
  const start = fromLocalInput(value.begin);
  const end = fromLocalInput(value.end);
  if (start === undefined || end === undefined) return 'Enter when the window begins and ends.';
  if (end <= start) return 'The window must end after it begins.';
  if (end <= now) return 'The window must end in the future.';
  return { start, end };
}

/** Asks before acting on a task; the strategy's window is entered here too. */
export function ActionDialog({ job, action, api, now, onClose, onDone }: ActionDialogProps) {
  const text = ACTIONS[action];
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [strategy, setStrategy] = useState<SwitchWindowValue>(() => ({
    mode: 'window',
    begin: toLocalInput(now() + HOUR),
    end: toLocalInput(now() + 3 * HOUR),
  }));

  const submit = async (event: Event) => {
    event.preventDefault();
    const checked = action === 'window' ? windowFrom(strategy, now()) : undefined;
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
