import { toneOf } from '../tasks/job-fields.js';

/** A task's status as a coloured badge; the text is always there, so colour is never the only cue. */
export function StatusBadge({ status }: { status: string }) {
  return (
    <span class={`badge badge--${toneOf(status)}`}>
      <span class="badge__dot" aria-hidden="true" />
      {status}
    </span>
  );
}
