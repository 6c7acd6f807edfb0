import type { TenantStreamEvent } from '@ddm-jobs/contract/wire';
import { readHttpError } from '../api/http-error.js';
import { SseParser } from './sse-parser.js';

export type LiveStatus = 'connecting' | 'live' | 'reconnecting';

export interface StreamHandlers {
  onEvent(event: TenantStreamEvent): void;
  /** `resumed`: connected with Last-Event-ID, so nothing was missed since the last event. */
  onStatus(status: LiveStatus, resumed: boolean): void;
  /** The token was refused (401): it expired or was revoked. The stream stops. */
  onUnauthorized(): void;
}

/** Waits before the n-th reconnection in a row: 1, 2, 4, 8, 16, then 30 seconds. */
export const reconnectDelayMs = (attempt: number) => Math.min(30_000, 1000 * 2 ** Math.max(0, attempt - 1));

/**
 * Follows `GET /v3/{project_id}/jobs/stream` with fetch (EventSource cannot send X-Auth-Token),
 * until `stop()`. When the connection drops or the server ends it, connects again with
 * `Last-Event-ID`, so the events of the gap come first and none is lost.
 */
export function followTenantStream(
  target: { projectId: string; token: string },
  handlers: StreamHandlers,
): { stop(): void } {
  const controller = new AbortController();
  const signal = controller.signal;
  const url = `/v3/${encodeURIComponent(target.projectId)}/jobs/stream`;
  let lastEventId = '';

  async function connectOnce(): Promise<'ended' | 'unauthorized'> {
    const headers: Record<string, string> = { 'x-auth-token': target.token, accept: 'text/event-stream' };
    if (lastEventId) headers['last-event-id'] = lastEventId;
    const response = await fetch(url, { headers, signal, cache: 'no-store' });
    if (response.status === 401) return 'unauthorized';
    if (!response.ok || !response.body) throw await readHttpError(response);
    handlers.onStatus('live', lastEventId !== '');
    const parser = new SseParser(lastEventId);
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return 'ended';
      for (const event of parser.push(value)) {
        lastEventId = event.lastEventId;
        let data: TenantStreamEvent;
        try {
          data = JSON.parse(event.data) as TenantStreamEvent;
        } catch {
          continue;
        }
        handlers.onEvent(data);
      }
    }
  }

  (async () => {
    let failures = 0;
    handlers.onStatus('connecting', false);
    while (!signal.aborted) {
      const began = Date.now();
      try {
        if ((await connectOnce()) === 'unauthorized') {
          handlers.onUnauthorized();
          return;
        }
        // The server ended the stream (its token expired on its clock, or it is shutting
        // down): connect again, at once unless it ended as soon as it began.
        failures = Date.now() - began < 1000 ? failures + 1 : 0;
      } catch {
        if (signal.aborted) return;
        failures++;
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
