import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FeedWatcher } from '../jobs/feed-watcher.js';

/** Whether the client asks for Server-Sent Events rather than JSON. */
export const wantsEventStream = (request: FastifyRequest): boolean =>
  request.headers.accept?.includes('text/event-stream') ?? false;

/** One event as the stream frames it: `id`, `event` and one line of `data`. */
export interface StreamEvent {
  cursor: number;
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

export interface FeedStreamOptions {
  watcher: FeedWatcher;
  /** Interval of the `: keep-alive` comment that keeps proxies and browsers from timing out. */
  keepAliveMs: number;
  /** The feed cursor to start after. */
  after: number;
  read(after: number): Promise<StreamPage>;
  /** Checked at each keep-alive and each wake: true ends the stream (e.g. the token expired). */
  expired?: () => boolean;
}

/**
 * Answers the request with a Server-Sent Events stream of the feed, from `after` on, until the
 * client goes, `expired()` says so or the app closes (the watcher closes). The reply is hijacked,
 * so the response is written here: status 200 with the headers hooks set (`X-Request-Id`).
 */
export async function streamFeed(request: FastifyRequest, reply: FastifyReply, options: FeedStreamOptions) {
  const { watcher, read, expired } = options;
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

  // Ends the stream: the client went, the token expired, or the app closes.
  const stopper = new AbortController();
  const stop = stopper.signal;
  const onClosing = () => stopper.abort();
  if (watcher.closing.aborted) stopper.abort();
  else watcher.closing.addEventListener('abort', onClosing, { once: true });
  raw.on('close', () => {
    if (raw.writableFinished) return;
    stopper.abort();
    // Fastify runs onResponse hooks (the request's log line and metrics) on 'finish' or 'error';
    // a stream the client dropped emits neither, so it is reported as an error of the response.
    if (raw.listenerCount('error') > 0) raw.emit('error', new Error('the client closed the stream'));
  });
  const keepAlive = setInterval(() => {
    if (expired?.()) stopper.abort();
    else if (!stop.aborted) raw.write(': keep-alive\n\n');
  }, options.keepAliveMs);
  keepAlive.unref();
  stop.addEventListener('abort', () => clearInterval(keepAlive), { once: true });

  let cursor = options.after;
  try {
    while (!stop.aborted && !expired?.()) {
      const page = await read(cursor);
      if (stop.aborted) break;
      let room = true;
      for (const event of page.events) {
        room = raw.write(`id: ${event.cursor}\nevent: ${event.type}\ndata: ${event.data}\n\n`);
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
    watcher.closing.removeEventListener('abort', onClosing);
    // A reader that takes nothing would hold a graceful end (and the app's close) forever.
    if (raw.writableNeedDrain) raw.destroy();
    else if (!raw.destroyed) raw.end();
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
