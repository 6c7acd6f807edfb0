import type { TenantStreamEvent } from '@ddm-jobs/contract/wire';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Session } from '../session/session.js';
import { followTenantStream, type LiveStatus } from './tenant-stream.js';

export interface LiveHandlers {
  onEvent: (event: TenantStreamEvent) => void;
  onUnauthorized: () => void;
  /** The stream (re)started at the newest event, not where it left off: what is shown may have missed changes. */
  onFresh: () => void;
}

/** Follows the tenant stream for the session's lifetime; its status for the indicator. */
export function useTenantStream(session: Session, handlers: LiveHandlers): LiveStatus {
  const [status, setStatus] = useState<LiveStatus>('connecting');
  const latest = useRef(handlers);
  latest.current = handlers;
  useEffect(() => {
    const stream = followTenantStream(session, {
      onEvent: (event) => latest.current.onEvent(event),
      onStatus: (next, resumed) => {
        setStatus(next);
        if (next === 'live' && !resumed) latest.current.onFresh();
      },
      onUnauthorized: () => latest.current.onUnauthorized(),
    });
    return () => stream.stop();
  }, [session]);
  return status;
}
