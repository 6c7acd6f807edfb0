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
  return (
    <span class="actions">
      {actions.map((action) => (
        <button
          key={action}
          type="button"
          class={`button button--small ${ACTIONS[action].danger ? 'button--danger-outline' : ''}`}
          onClick={() => onAction(job, action)}
        >
          {ACTIONS[action].label}
        </button>
      ))}
    </span>
  );
}
