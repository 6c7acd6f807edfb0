import { isMigrationTask, type JobItem, type RunLogItem } from '@ddm-jobs/contract/wire';
import type { ComponentChildren } from 'preact';
import type { ConsoleApi } from '../api/console-api.js';
import { ACTIONS, actionsOf } from '../tasks/actions.js';
import { hasEnded } from '../tasks/job-fields.js';
import { DdmTime } from '../time/zoned-time.js';
import { HistoryList } from './history-list.js';
import { MigrationDetails } from './migration-details.js';
import { ModalDialog } from './modal-dialog.js';
import { ProgressCell } from './progress-cell.js';
import { RunLogList } from './run-log-list.js';
import { StatusBadge } from './status-badge.js';

function Field({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </>
  );
}

interface DetailPanelProps {
  job: JobItem;
  api: ConsoleApi;
  /** The run-log lines the tenant stream brought since the panel opened, oldest first. */
  liveLines: readonly RunLogItem[];
  onClose: () => void;
}

/**
 * Every field of a task as the list shows it, kept live (the row's latest copy), a shard
 * migration's details, the history of its status changes, and its run log, live.
 */
export function DetailPanel({ job, api, liveLines, onClose }: DetailPanelProps) {
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
          <Field label="Created">
            <DdmTime text={job.created_time} />
          </Field>
          <Field label="Ended">{hasEnded(job.status) ? <DdmTime text={job.end_time} /> : '—'}</Field>
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
        {isMigrationTask(job.name) && (
          <>
            <h3 class="section-title">Shard change</h3>
            <MigrationDetails api={api} job={job} />
          </>
        )}
        <h3 class="section-title">Status history</h3>
        <HistoryList api={api} jobId={job.id} status={job.status} />
        <h3 class="section-title">Run log</h3>
        <RunLogList api={api} job={job} live={liveLines} />
      </div>
    </ModalDialog>
  );
}
