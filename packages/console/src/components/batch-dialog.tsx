import type { JobItem } from '@ddm-jobs/contract/wire';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ConsoleApi } from '../api/console-api.js';
import { ACTIONS, type TaskAction } from '../tasks/actions.js';
import { type BatchResult, runBatch } from '../tasks/batch.js';
import { ModalDialog } from './modal-dialog.js';

interface BatchDialogProps {
  /** The selected tasks as they were when the dialog opened. */
  jobs: readonly JobItem[];
  action: TaskAction;
  api: ConsoleApi;
  /** `acted`: whether the batch was sent (the selection is then over). */
  onClose: (acted: boolean) => void;
}

const tasks = (n: number) => (n === 1 ? '1 task' : `${n} tasks`);

/**
 * One confirmation for an action on several tasks, then what became of each: done, or refused
 * with the server's message (a task that moved on since it was selected no longer allows it).
 */
export function BatchDialog({ jobs, action, api, onClose }: BatchDialogProps) {
  const text = ACTIONS[action];
  const [phase, setPhase] = useState<'confirm' | 'sending' | 'done'>('confirm');
  const [results, setResults] = useState<ReadonlyMap<string, BatchResult>>(new Map());
  const closeRef = useRef<HTMLButtonElement>(null);
  // The confirm button that had the focus is gone: the focus goes to Close once it can be used.
  useEffect(() => {
    if (phase === 'done') closeRef.current?.focus();
  }, [phase]);

  const send = async (event: Event) => {
    event.preventDefault();
    setPhase('sending');
    await runBatch(api, jobs, action, (result) =>
      setResults((shown) => new Map(shown).set(result.id, result)),
    );
    setPhase('done');
  };

  const refused = [...results.values()].filter((result) => !result.ok).length;
  const title = `${text.label}: ${tasks(jobs.length)}`;
  return (
    <ModalDialog title={title} onClose={() => onClose(phase !== 'confirm')} busy={phase === 'sending'}>
      <form class="dialog__body" onSubmit={send} noValidate>
        <p>
          {text.label} {phase === 'confirm' ? 'these' : 'the'} {tasks(jobs.length)}? Each is sent on its own:
          a task that no longer allows it is refused, and the others go ahead.
        </p>
        {/* Present from the start, so that screen readers announce the summary when it is filled. */}
        <p
          class={
            phase === 'done' ? `notice ${refused ? 'notice--warning' : 'notice--success'}` : 'visually-hidden'
          }
          role="status"
          data-testid="batch-summary"
        >
          {phase === 'done' &&
            `${tasks(jobs.length - refused)} done${refused ? `, ${refused} refused` : ''}.`}
        </p>
        <ul class="plain-list batch-results" aria-label="Tasks">
          {jobs.map((job) => {
            const result = results.get(job.id);
            return (
              <li key={job.id} class="batch-result" data-job-id={job.id}>
                <span>
                  {job.name}
                  {job.database_name && <span class="muted"> · {job.database_name}</span>}
                  <span class="mono small muted"> {job.id}</span>
                </span>
                <span
                  class={`batch-result__outcome${result ? ` batch-result__outcome--${result.ok ? 'done' : 'refused'}` : ''}`}
                >
                  {result ? (result.ok ? 'Done' : 'Refused') : phase === 'sending' ? 'Sending…' : ''}
                </span>
                {result && !result.ok && <span class="batch-result__message">{result.message}</span>}
              </li>
            );
          })}
        </ul>
        <footer class="dialog__actions">
          {phase === 'confirm' ? (
            <>
              {/* A disruptive action starts on "Go back", so that Enter alone does no harm. */}
              <button type="button" class="button" onClick={() => onClose(false)} autofocus={text.danger}>
                Go back
              </button>
              <button
                type="submit"
                class={`button ${text.danger ? 'button--danger' : 'button--primary'}`}
                autofocus={!text.danger}
              >
                {text.label} {tasks(jobs.length)}
              </button>
            </>
          ) : (
            <button
              ref={closeRef}
              type="button"
              class="button button--primary"
              disabled={phase === 'sending'}
              onClick={() => onClose(true)}
            >
              {phase === 'sending' ? 'Sending…' : 'Close'}
            </button>
          )}
        </footer>
      </form>
    </ModalDialog>
  );
}
