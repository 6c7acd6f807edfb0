import type { JobItem } from '@ddm-jobs/contract/wire';
import type { TaskAction } from '../tasks/actions.js';
import { batchActionsOf } from '../tasks/batch.js';
import { ActionList } from './action-buttons.js';

interface BatchBarProps {
  selected: readonly JobItem[];
  /** How many tasks the page shows: all of them selected ticks the page's box. */
  pageSize: number;
  onSelectPage: (on: boolean) => void;
  onAction: (action: TaskAction) => void;
  onClear: () => void;
}

/**
 * The page's selection box, what is selected, and the actions all of it offers now that take no input (a switch window is
 * typed in one task at a time, from its row).
 */
export function BatchBar({ selected, pageSize, onSelectPage, onAction, onClear }: BatchBarProps) {
  const actions = batchActionsOf(selected);
  const count = selected.length;
  return (
    <section class="batch-bar" aria-label="Selected tasks">
      <label class="choice">
        <input
          type="checkbox"
          checked={count > 0 && count === pageSize}
          // Some but not all: the box shows a dash; a click selects them all.
          indeterminate={count > 0 && count < pageSize}
          onChange={(event) => onSelectPage(event.currentTarget.checked)}
        />
        <span>Select all on this page</span>
      </label>
      <span class="batch-bar__count" aria-live="polite" data-testid="selected-count">
        {selected.length === 1 ? '1 task selected' : `${selected.length} tasks selected`}
      </span>
      {selected.length > 0 &&
        (actions.length > 0 ? (
          <ActionList actions={actions} suffix=" selected" onAction={onAction} />
        ) : (
          <span class="muted">The selected tasks have no action in common.</span>
        ))}
      {selected.length > 0 && (
        <button type="button" class="button button--small button--ghost" onClick={onClear}>
          Clear selection
        </button>
      )}
    </section>
  );
}
