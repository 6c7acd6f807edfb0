import type { JobItem } from '@ddm-jobs/contract/wire';
import type { TaskAction } from '../tasks/actions.js';
import { TaskRow } from './task-row.js';

interface TaskTableProps {
  rows: JobItem[];
  flash: ReadonlySet<string>;
  busy: boolean;
  onOpen: (job: JobItem) => void;
  /** Absent when the user may not act: no Actions column then. */
  onAction?: ((job: JobItem, action: TaskAction) => void) | undefined;
  onFlashEnd: (id: string) => void;
  /** Absent when the user may not act: no checkboxes then. */
  selection?: Selection | undefined;
}

/** The rows chosen for a batch action (ids of this page's tasks). */
export interface Selection {
  selected: ReadonlySet<string>;
  onToggle: (id: string, on: boolean) => void;
}

const COLUMNS = ['Name', 'Status', 'Instance', 'Database', 'Created', 'Ended', 'Progress', 'Failure reason'];

/** The tasks of the page, newest first; on narrow screens each row becomes a card (styles). */
export function TaskTable({ rows, flash, busy, onOpen, onAction, onFlashEnd, selection }: TaskTableProps) {
  return (
    <div class="table-wrap">
      <table class="task-table" aria-busy={busy}>
        <caption class="visually-hidden">Tasks, newest first. Press Enter on a task for its details.</caption>
        <thead>
          <tr>
            {selection && (
              <th scope="col" class="cell-select">
                {/* Selecting the whole page is the batch bar's: it stays on narrow screens, where cards have no header. */}
                <span class="visually-hidden">Select</span>
              </th>
            )}
            {(onAction ? [...COLUMNS, 'Actions'] : COLUMNS).map((name) => (
              <th key={name} scope="col">
                {name}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((job) => (
            <TaskRow
              key={job.id}
              job={job}
              flash={flash.has(job.id)}
              onOpen={onOpen}
              onAction={onAction}
              onFlashEnd={onFlashEnd}
              {...(selection
                ? {
                    selected: selection.selected.has(job.id),
                    onSelect: (on: boolean) => selection.onToggle(job.id, on),
                  }
                : {})}
            />
          ))}
        </tbody>
      </table>
    </div>
  );
}
