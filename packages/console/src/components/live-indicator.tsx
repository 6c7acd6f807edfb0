import type { LiveStatus } from '../live/tenant-stream.js';

const TEXT: Record<LiveStatus, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
};

/** Whether changes arrive as they happen (the tenant stream is open). */
export function LiveIndicator({ status }: { status: LiveStatus }) {
  return (
    <span class={`live live--${status}`} role="status" title="Live updates from the task stream">
      <span class="live__dot" aria-hidden="true" />
      {TEXT[status]}
    </span>
  );
}
