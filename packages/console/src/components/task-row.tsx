import type { JobItem } from '@ddm-jobs/contract/wire';
import type { TaskAction } from '../tasks/actions.js';
import { hasEnded, percentOf } from '../tasks/job-fields.js';
import { DdmTime } from '../time/zoned-time.js';
import { ActionButtons } from './action-buttons.js';
import { ProgressCell } from './progress-cell.js';
import { StatusBadge } from './status-badge.js';

interface TaskRowProps {
  job: JobItem;
  /** Highlighted once (a status change arrived): the class goes when its animation ends. */
  flash: boolean;
  onOpen: (job: JobItem) => void;
  /** Absent when the user may not act: the row has no actions cell. */
  onAction?: ((job: JobItem, action: TaskAction) => void) | undefined;
  onFlashEnd: (id: string) => void;
  /** Whether the row is chosen for a batch action; absent when the user may not act. */
  selected?: boolean;
  onSelect?: (on: boolean) => void;
}

const dash = <span class="muted">—</span>;
/** Cells with nothing to say: hidden on the narrow layout's cards. */
const empty = (value: unknown) => (value ? undefined : 'is-empty');

/** One task. The row takes focus; Enter or a click outside its buttons opens the detail panel. */
export function TaskRow({ job, flash, onOpen, onAction, onFlashEnd, selected, onSelect }: TaskRowProps) {
  return (
    <tr
      class={`task-row${flash ? ' task-row--flash' : ''}`}
      tabIndex={0}
      data-job-id={job.id}
      onKeyDown={(event) => {
        if (event.key === 'Enter' && event.target === event.currentTarget) onOpen(job);
      }}
      onClick={(event) => {
        if (!(event.target as Element).closest('button, input, .cell-select')) onOpen(job);
      }}
      onAnimationEnd={() => onFlashEnd(job.id)}
    >
      {onSelect && (
        <td class="cell-select" data-label="Select">
          <input
            type="checkbox"
            aria-label={`Select ${job.name} ${job.id}`}
            checked={selected}
            onChange={(event) => onSelect(event.currentTarget.checked)}
          />
        </td>
      )}
      <td class="cell-name" data-label="Name">
        <span class="task-name">{job.name}</span>
      </td>
      <td data-label="Status">
        <StatusBadge status={job.status} />
      </td>
      <td data-label="Instance">
        <span class="stack">
          <span>{job.instance_name || '—'}</span>
          <span class="muted mono small instance-id" title={job.instance_id}>
            {job.instance_id}
          </span>
        </span>
      </td>
      <td data-label="Database" class={empty(job.database_name)}>
        {job.database_name || dash}
      </td>
      <td data-label="Created" class="cell-time">
        <DdmTime text={job.created_time} />
      </td>
      <td data-label="Ended" class={`cell-time ${empty(hasEnded(job.status)) ?? ''}`}>
        {hasEnded(job.status) ? <DdmTime text={job.end_time} /> : dash}
      </td>
      <td data-label="Progress" class={empty(percentOf(job) !== undefined)}>
        <ProgressCell job={job} />
      </td>
      <td data-label="Failure reason" class={`cell-reason ${empty(job.fail_reason) ?? ''}`}>
        {job.fail_reason || dash}
      </td>
      {onAction && (
        <td data-label="Actions" class={`cell-actions ${empty(job.operations.length) ?? ''}`}>
          <ActionButtons job={job} onAction={onAction} />
        </td>
      )}
    </tr>
  );
}
