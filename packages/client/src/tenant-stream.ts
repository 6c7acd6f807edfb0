/**
 * The tenant stream, `GET /v3/{project_id}/jobs/stream`: ddm-jobs' extension (the cloud's DDM
 * has none) that pushes the project's task changes as Server-Sent Events. Read with fetch, as
 * EventSource can send neither a token header nor a signature; one connection per iteration.
 */
import type { TenantStreamEvent } from '@ddm-jobs/contract/wire';
import { DdmApiError, StreamEndedError } from './errors.js';
import type { OpenAnswer } from './request.js';
import { SseParser } from './sse-parser.js';
import type { CallOptions } from './transport.js';

export interface StreamJobsOptions extends CallOptions {
  /**
   * Resume after this event (the `id` of the last event taken, sent as `Last-Event-ID`): the
   * events since then come first, each once. Without it, only what happens after connecting.
   */
  lastEventId?: string;
  /**
   * Called once the server has accepted the stream, before any event: from then on nothing
   * that happens is missed. (`timeoutMs` bounds the wait for this moment only.)
   */
  onOpen?: () => void;
}

/** One change of the stream, and the id to resume after it. */
export interface StreamedEvent {
  /** The stream's last event id after this event: pass it as `lastEventId` to resume here. */
  id: string | undefined;
  event: TenantStreamEvent;
}

const isStreamEvent = (value: unknown): value is TenantStreamEvent =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { type?: unknown }).type === 'string' &&
  'job' in value;

/** The event's data as a TenantStreamEvent, or undefined when it is not one (then skipped). */
function parseEvent(data: string): TenantStreamEvent | undefined {
  try {
    const value: unknown = JSON.parse(data);
    return isStreamEvent(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The reason of the server's last event (`event: end`), or undefined when its data has none. */
function endReasonOf(data: string): string | undefined {
  try {
    const reason: unknown = (JSON.parse(data) as { reason?: unknown } | null)?.reason;
    return typeof reason === 'string' ? reason : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The events of one connection, opened on the first `next()`: until the server ends the
 * stream (the iterator is done; or, when it ended it because the credential lost access, a
 * StreamEndedError), the connection breaks (a NetworkError) or the caller aborts (the signal's
 * reason). Leaving a `for await` early closes the connection.
 *
 * @example for await (const { event } of readStream(() => open(config, call, options), options)) console.log(event.type)
 */
export async function* readStream(
  connect: () => Promise<OpenAnswer>,
  options: StreamJobsOptions,
): AsyncGenerator<StreamedEvent, void, undefined> {
  const { response, failed, close } = await connect();
  try {
    const type = response.headers.get('content-type') ?? '';
    if (!/^text\/event-stream\b/i.test(type) || response.body === null) {
      throw new DdmApiError(
        response.status,
        `HTTP.${response.status}`,
        `The answer is not an event stream (${type || 'no content type'}): is the endpoint ddm-jobs?`,
        response.headers.get('x-request-id') ?? undefined,
        undefined,
      );
    }
    options.onOpen?.();
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    const parser = new SseParser(options.lastEventId ?? '');
    for (;;) {
      // The consumer may have aborted while it held an event: stop before reading on.
      if (options.signal?.aborted) throw options.signal.reason;
      const chunk = await reader.read().catch((error: unknown) => {
        throw failed(error);
      });
      if (chunk.done) return;
      for (const sse of parser.push(decoder.decode(chunk.value, { stream: true }))) {
        if (sse.event === 'end') {
          // The server's last event: stopping (connect again) or the credential lost access.
          const reason = endReasonOf(sse.data);
          if (reason === undefined || reason === 'server_stopping') return;
          throw new StreamEndedError(reason, response.headers.get('x-request-id') ?? undefined);
        }
        const event = parseEvent(sse.data);
        if (event) yield { id: sse.lastEventId === '' ? undefined : sse.lastEventId, event };
        if (options.signal?.aborted) throw options.signal.reason;
      }
    }
  } finally {
    close();
  }
}
