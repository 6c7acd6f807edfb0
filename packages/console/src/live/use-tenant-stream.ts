import type { TenantStreamEvent } from '@ddm-jobs/contract/wire';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ConsoleApi } from '../api/console-api.js';
import { followTenantStream, type LiveStatus } from './tenant-stream.js';

export interface LiveHandlers {
  onEvent: (event: TenantStreamEvent) => void;
  onUnauthorized: () => void;
  /** The stream (re)started at the newest event, not where it left off: what is shown may have missed changes. */
  onFresh: () => void;
}

/** Follows the tenant stream while the session's API lives; its status for the indicator. */
export function useTenantStream(api: ConsoleApi, handlers: LiveHandlers): LiveStatus {
  const [status, setStatus] = useState<LiveStatus>('connecting');
  const latest = useRef(handlers);
  latest.current = handlers;
  useEffect(() => {
    const stream = followTenantStream(api, {
      onEvent: (event) => latest.current.onEvent(event),
      onStatus: (next, resumed) => {
        setStatus(next);
        if (next === 'live' && !resumed) latest.current.onFresh();
      },
      onUnauthorized: () => latest.current.onUnauthorized(),
    });
    return () => stream.stop();
  }, [api]);
  return status;
}
