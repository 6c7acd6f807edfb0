import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AccessLoss } from '../identity/standing.js';
import type { FeedWatcher } from '../jobs/feed-watcher.js';

/** Whether the client asks for Server-Sent Events rather than JSON. */
export const wantsEventStream = (request: FastifyRequest): boolean =>
  request.headers.accept?.includes('text/event-stream') ?? false;

/** One event as the stream frames it: `id`, `event` and one line of `data`. */
export interface StreamEvent {
  /** The frame's `id`: what the client sends back as `Last-Event-ID` to resume after it. */
  id: string;
  type: string;
  /** JSON text; JSON.stringify never puts a line break in it. */
  data: string;
}

/** A page read from the feed for a stream. */
export interface StreamPage {
  events: StreamEvent[];
  /** Every feed entry up to this cursor was read (or skipped as not the stream's): wait beyond it. */
  seen: number;
  /** The page was cut by its limit: read again at once. */
  full: boolean;
}

/**
 * Why the server ends a stream, told in its last event: the caller's access was lost (see
 * identity/standing.ts) or the server is stopping (reconnect, elsewhere or later).
 */
export type StreamEndReason = AccessLoss | 'server_stopping';

export interface FeedStreamOptions {
  watcher: FeedWatcher;
  /** Interval of the `: keep-alive` comment that keeps proxies and browsers from timing out. */
  keepAliveMs: number;
  /** The feed cursor to start after. */
  after: number;
  read(after: number): Promise<StreamPage>;
  /**
   * Asks again, every `everyMs`, whether the caller may still read: a reason ends the stream with
   * it. A check that fails (the database away) ends nothing; the next one decides.
   */
  standing?: { check: () => Promise<StreamEndReason | undefined>; everyMs: number };
}

/** The stream's last event: no `id`, so that the client's Last-Event-ID stays its last change. */
const endFrame = (reason: StreamEndReason) => `event: end\ndata: ${JSON.stringify({ reason })}\n\n`;

/**
 * Answers the request with a Server-Sent Events stream of the feed, from `after` on, until the
 * client goes, the caller's access is lost or the app closes (the watcher closes); in the last
 * two cases an `end` event says why. The reply is hijacked, so the response is written here:
 * status 200 with the headers hooks set (`X-Request-Id`).
 */
export async function streamFeed(request: FastifyRequest, reply: FastifyReply, options: FeedStreamOptions) {
  const { watcher, read, standing } = options;
  reply.hijack();
  const raw = reply.raw;
  for (const [name, value] of Object.entries(reply.getHeaders())) {
    if (value !== undefined) raw.setHeader(name, value);
  }
  raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    // Tells nginx-style proxies not to buffer the stream.
    'x-accel-buffering': 'no',
  });
  raw.flushHeaders();

  // Ends the stream: the client went, its access was lost, or the app closes.
  const stopper = new AbortController();
  const stop = stopper.signal;
  let endReason: StreamEndReason | undefined;
  const end = (reason: StreamEndReason) => {
    if (stop.aborted) return;
    endReason = reason;
    stopper.abort();
  };
  const onClosing = () => end('server_stopping');
  if (watcher.closing.aborted) onClosing();
  else watcher.closing.addEventListener('abort', onClosing, { once: true });
  raw.on('close', () => {
    if (raw.writableFinished) return;
    stopper.abort();
    // Fastify runs onResponse hooks (the request's log line and metrics) on 'finish' or 'error';
    // a stream the client dropped emits neither, so it is reported as an error of the response.
    if (raw.listenerCount('error') > 0) raw.emit('error', new Error('the client closed the stream'));
  });
  const keepAlive = setInterval(() => {
    if (!stop.aborted) raw.write(': keep-alive\n\n');
  }, options.keepAliveMs);
  keepAlive.unref();
  stop.addEventListener('abort', () => clearInterval(keepAlive), { once: true });
  // One check at a time: a slow database must not pile them up.
  let checking = false;
  const recheck =
    standing &&
    setInterval(async () => {
      if (checking || stop.aborted) return;
      checking = true;
      try {
        const lost = await standing.check();
        if (lost !== undefined) end(lost);
      } catch (error) {
        request.log.warn({ err: error }, 'stream access check failed');
      } finally {
        checking = false;
      }
    }, standing.everyMs);
  recheck?.unref();
  stop.addEventListener('abort', () => clearInterval(recheck), { once: true });

  let cursor = options.after;
  try {
    while (!stop.aborted) {
      const page = await read(cursor);
      if (stop.aborted) break;
      let room = true;
      for (const event of page.events) {
        room = raw.write(`id: ${event.id}\nevent: ${event.type}\ndata: ${event.data}\n\n`);
      }
      cursor = page.seen;
      // A slow reader: read no more until it has taken what was written.
      if (!room) await drained(raw, stop);
      if (page.full) continue;
      const outcome = await watcher.waitBeyond(cursor, { signal: stop });
      if (outcome !== 'grown') break;
    }
  } catch (error) {
    request.log.error({ err: error }, 'feed stream failed');
  } finally {
    clearInterval(keepAlive);
    clearInterval(recheck);
    watcher.closing.removeEventListener('abort', onClosing);
    // A reader that takes nothing would hold a graceful end (and the app's close) forever.
    if (raw.writableNeedDrain) raw.destroy();
    else if (!raw.destroyed) raw.end(endReason === undefined ? undefined : endFrame(endReason));
  }
}

function drained(raw: NodeJS.WritableStream, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      raw.removeListener('drain', done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    raw.once('drain', done);
    signal.addEventListener('abort', done, { once: true });
  });
}
