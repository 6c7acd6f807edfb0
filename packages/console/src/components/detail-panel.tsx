import type { JobItem } from '@ddm-jobs/contract/wire';
import type { ComponentChildren } from 'preact';
import type { ConsoleApi } from '../api/console-api.js';
import { ACTIONS, actionsOf } from '../tasks/actions.js';
import { hasEnded } from '../tasks/job-fields.js';
import { formatDdmTime } from '../time/local-time.js';
import { HistoryList } from './history-list.js';
import { ModalDialog } from './modal-dialog.js';
import { ProgressCell } from './progress-cell.js';
import { StatusBadge } from './status-badge.js';

function Field({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </>
  );
}

/**
 * Every field of a task as the list shows it, kept live (the row's latest copy), and the
 * history of its status changes.
 */
export function DetailPanel({ job, api, onClose }: { job: JobItem; api: ConsoleApi; onClose: () => void }) {
  const actions = actionsOf(job);
  return (
    <ModalDialog title="Task details" onClose={onClose} variant="sheet">
      <div class="dialog__body">
        <dl class="fields">
          <Field label="Name">{job.name}</Field>
          <Field label="Task ID">
            <span class="mono">{job.id}</span>
          </Field>
          <Field label="Status">
            <StatusBadge status={job.status} />
          </Field>
          <Field label="Progress">
            {job.process ? <ProgressCell job={job} /> : <span class="muted">—</span>}
          </Field>
          <Field label="Created">{formatDdmTime(job.created_time)}</Field>
          <Field label="Ended">{hasEnded(job.status) ? formatDdmTime(job.end_time) : '—'}</Field>
          <Field label="Instance name">{job.instance_name || '—'}</Field>
          <Field label="Instance ID">
            <span class="mono">{job.instance_id || '—'}</span>
          </Field>
          <Field label="Database">{job.database_name || '—'}</Field>
          <Field label="Failure reason">{job.fail_reason || '—'}</Field>
          <Field label="Allowed actions">
            {actions.length ? actions.map((a) => ACTIONS[a].label).join(', ') : 'None'}
          </Field>
        </dl>
        <h3 class="section-title">Status history</h3>
        <HistoryList api={api} jobId={job.id} status={job.status} />
      </div>
    </ModalDialog>
  );
}
