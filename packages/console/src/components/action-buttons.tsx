import type { JobItem } from '@ddm-jobs/contract/wire';
import { ACTIONS, actionsOf, type TaskAction } from '../tasks/actions.js';

/** A button for each action the task offers now (its `operations`). */
export function ActionButtons({
  job,
  onAction,
}: {
  job: JobItem;
  onAction: (job: JobItem, action: TaskAction) => void;
}) {
  const actions = actionsOf(job);
  if (actions.length === 0) return <span class="muted">—</span>;
  return <ActionList actions={actions} onAction={(action) => onAction(job, action)} />;
}

/**
 * The buttons of these actions, a dangerous one outlined in red, `suffix` after each label: one
 * task's row and the selection's bar offer them alike.
 */
export function ActionList({
  actions,
  suffix = '',
  onAction,
}: {
  actions: readonly TaskAction[];
  suffix?: string;
  onAction: (action: TaskAction) => void;
}) {
  return (
    <span class="actions">
      {actions.map((action) => (
        <button
          key={action}
          type="button"
          class={`button button--small ${ACTIONS[action].danger ? 'button--danger-outline' : ''}`}
          onClick={() => onAction(action)}
        >
          {ACTIONS[action].label}
          {suffix}
        </button>
      ))}
    </span>
  );
}
