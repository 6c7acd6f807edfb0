import type { LiveStatus } from '../live/tenant-stream.js';
import { type Session, serverNow } from '../session/session.js';
import { zoneNote } from '../time/local-time.js';
import { LogoIcon, SignOutIcon } from './icons.js';
import { LiveIndicator } from './live-indicator.js';

/**
 * The top bar: the product, the time zone every time is shown in, whether updates are live, who
 * is signed in, and sign-out.
 */
export function AppHeader({
  session,
  live,
  onSignOut,
}: {
  session: Session;
  live: LiveStatus;
  onSignOut: () => void;
}) {
  return (
    <header class="topbar">
      <span class="brand">
        <LogoIcon />
        <span>Task Center</span>
      </span>
      <span class="topbar__end">
        <span class="zone-note" data-testid="zone-note">
          {zoneNote(serverNow(session))}
        </span>
        <LiveIndicator status={live} />
        <span class="who" title={`Domain ${session.domain}`}>
          <span class="who__user">{session.user}</span>
          <span class="who__project">{session.project}</span>
        </span>
        <button type="button" class="button button--ghost" onClick={onSignOut}>
          <SignOutIcon />
          <span>Sign out</span>
        </button>
      </span>
    </header>
  );
}
