import { isStreamEndedError, type StreamedEvent, type StreamJobsOptions } from '@ddm-jobs/client';
import type { TenantStreamEvent } from '@ddm-jobs/contract/wire';
import { isUnauthorized } from '../api/describe-error.js';

export type LiveStatus = 'connecting' | 'live' | 'reconnecting';

export interface StreamHandlers {
  onEvent(event: TenantStreamEvent): void;
  /** `resumed`: connected with Last-Event-ID, so nothing was missed since the last event. */
  onStatus(status: LiveStatus, resumed: boolean): void;
  /**
   * The token was refused (401), or the server ended the stream because the token lost access
   * (revoked, or expired with no renewal): the session is over. The stream stops.
   */
  onUnauthorized(): void;
}

/** Where the connections come from: the SDK's `streamJobs`, one connection each. */
export interface StreamSource {
  stream(options: StreamJobsOptions): AsyncIterableIterator<StreamedEvent>;
}

/** Waits before the n-th reconnection in a row: 1, 2, 4, 8, 16, then 30 seconds. */
export const reconnectDelayMs = (attempt: number) => Math.min(30_000, 1000 * 2 ** Math.max(0, attempt - 1));

/**
 * Follows the tenant stream through the SDK (one connection per `streamJobs`) until `stop()`.
 * The reconnection policy is the console's: when the connection drops or the server ends it,
 * connect again with the last event's id, so the events of the gap come first and none is
 * lost; after failures in a row, wait longer each time. When the server ends it because the
 * credential lost access, the session is over, except after an expiry, which gets one immediate
 * reconnection: a client that renews its token (password auth) goes on, a plain token gets 401.
 */
export function followTenantStream(api: StreamSource, handlers: StreamHandlers): { stop(): void } {
  const controller = new AbortController();
  const signal = controller.signal;
  let lastEventId: string | undefined;
  // After an expiry, connecting again is allowed once: it renews the token or is refused. Reset
  // once a connection opens, so a renewing client meets each later expiry the same way.
  let expiredBefore = false;

  async function connectOnce(): Promise<void> {
    const resumed = lastEventId !== undefined;
    const events = api.stream({
      signal,
      ...(lastEventId === undefined ? {} : { lastEventId }),
      onOpen: () => {
        expiredBefore = false;
        handlers.onStatus('live', resumed);
      },
    });
    for await (const { id, event } of events) {
      if (id !== undefined) lastEventId = id;
      handlers.onEvent(event);
    }
  }

  (async () => {
    let failures = 0;
    handlers.onStatus('connecting', false);
    while (!signal.aborted) {
      const began = Date.now();
      try {
        await connectOnce();
        // The server ended the stream (it is shutting down): connect again, at once unless it
        // ended as soon as it began.
        failures = Date.now() - began < 1000 ? failures + 1 : 0;
      } catch (error) {
        if (signal.aborted) return;
        const expired = isStreamEndedError(error) && error.reason === 'token_expired' && !expiredBefore;
        if (isUnauthorized(error) || (isStreamEndedError(error) && !expired)) {
          handlers.onUnauthorized();
          return;
        }
        if (expired) expiredBefore = true;
        else failures++;
      }
      if (signal.aborted) return;
      handlers.onStatus('reconnecting', false);
      if (failures > 0) await sleep(reconnectDelayMs(failures), signal);
    }
  })();

  return { stop: () => controller.abort() };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
