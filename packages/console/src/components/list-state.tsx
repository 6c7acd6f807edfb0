import { AlertIcon, InboxIcon } from './icons.js';

/** The list's loading, error and empty states. */
export function ListState(
  props:
    | { kind: 'loading' }
    | { kind: 'empty'; filtered?: boolean }
    | { kind: 'error'; message: string; onRetry: () => void },
) {
  if (props.kind === 'loading')
    return (
      <div class="list-state" role="status">
        <span class="spinner" aria-hidden="true" />
        Loading tasks…
      </div>
    );
  if (props.kind === 'empty' && props.filtered)
    return (
      <div class="list-state" role="status">
        <InboxIcon />
        <p class="list-state__title">No tasks match the filters</p>
        <p class="muted">Clear a filter or choose a longer range.</p>
      </div>
    );
  if (props.kind === 'empty')
    return (
      <div class="list-state" role="status">
        <InboxIcon />
        <p class="list-state__title">No tasks in this time range</p>
        <p class="muted">Choose a longer range to see older tasks.</p>
      </div>
    );
  return (
    <div class="list-state list-state--error" role="alert">
      <AlertIcon />
      <p class="list-state__title">The tasks could not be loaded</p>
      <p>{props.message}</p>
      <button type="button" class="button" onClick={props.onRetry}>
        Try again
      </button>
    </div>
  );
}
