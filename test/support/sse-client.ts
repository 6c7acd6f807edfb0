import { type IncomingHttpHeaders, request } from 'node:http';

// A minimal Server-Sent Events client over node:http for the stream tests: it keeps the raw text
// (so framing is asserted byte for byte) and the frames parsed from it, written apart from the
// server's code.

export interface SseFrame {
  id?: string;
  event?: string;
  data?: string;
  /** The text of a `: comment` line. */
  comment?: string;
}

export interface SseConnection {
  status: number;
  headers: IncomingHttpHeaders;
  /** Everything received so far. */
  text(): string;
  /** The complete frames received so far (comments included). */
  frames(): SseFrame[];
  /** The frames that are events (not comments). */
  events(): SseFrame[];
  /** Resolves once `predicate` holds for what was received; rejects after `timeoutMs` of wall time. */
  until(predicate: (connection: SseConnection) => boolean, timeoutMs?: number): Promise<void>;
  /** Resolves when the server ends the response. */
  ended: Promise<void>;
  /** Drops the connection, as a browser tab that closes. */
  close(): void;
}

function parseFrames(text: string): SseFrame[] {
  const blocks = text.split('\n\n');
  blocks.pop(); // the incomplete rest
  return blocks.map((block) => {
    const frame: SseFrame = {};
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) frame.comment = line.slice(1).trim();
      else {
        const colon = line.indexOf(':');
        const field = line.slice(0, colon);
        const value = line.slice(colon + 1).replace(/^ /, '');
        if (field === 'id' || field === 'event' || field === 'data') frame[field] = value;
      }
    }
    return frame;
  });
}

/**
 * Sends a GET to `base` + `path` and resolves once the response's headers arrived. A response that
 * is not an event stream is read to its end first (its body is then `text()`).
 */
export function connectSse(
  base: string,
  path: string,
  headers: Record<string, string>,
): Promise<SseConnection> {
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, base),
      { headers: { accept: 'text/event-stream', ...headers } },
      (res) => {
        let text = '';
        const watchers = new Set<() => void>();
        let markEnded: () => void = () => {};
        const ended = new Promise<void>((done) => {
          markEnded = done;
        });
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
          for (const check of watchers) check();
        });
        res.on('end', () => markEnded());
        res.on('close', () => {
          for (const check of watchers) check();
        });
        const connection: SseConnection = {
          status: res.statusCode ?? 0,
          headers: res.headers,
          text: () => text,
          frames: () => parseFrames(text),
          events: () => parseFrames(text).filter((frame) => frame.comment === undefined),
          until(predicate, timeoutMs = 5_000) {
            return new Promise((done, fail) => {
              const check = () => {
                if (!predicate(connection)) return;
                watchers.delete(check);
                clearTimeout(timer);
                done();
              };
              const timer = setTimeout(() => {
                watchers.delete(check);
                fail(new Error(`stream condition not met within ${timeoutMs} ms; received:\n${text}`));
              }, timeoutMs);
              watchers.add(check);
              check();
            });
          },
          ended,
          close: () => req.destroy(),
        };
        if (String(res.headers['content-type']).startsWith('text/event-stream')) resolve(connection);
        else ended.then(() => resolve(connection), reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}
