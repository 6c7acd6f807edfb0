/** One Server-Sent Event as dispatched: its type, its data, and the stream's last event id. */
export interface SseEvent {
  event: string;
  data: string;
  lastEventId: string;
}

/**
 * Parses a Server-Sent Events stream fed in chunks of text, after the HTML standard's
 * "event stream interpretation": lines end in CRLF, LF or CR; `:` starts a comment; `data`
 * lines join with a line feed; a blank line dispatches; `id` sets the last event id (kept for
 * the next events too), unless it holds a NUL. EventSource would do this, but it cannot send an
 * X-Auth-Token or a signature, so the client reads the stream with fetch.
 *
 * @example
 * const parser = new SseParser();
 * parser.push('id: 7\nevent: changed\ndata: {}\n\n'); // [{ event: 'changed', data: '{}', lastEventId: '7' }]
 */
export class SseParser {
  private buffer = '';
  private data: string[] = [];
  private event = '';
  /** `lastEventId`: the id before this connection (it carries over a reconnection, as in EventSource). */
  constructor(private lastEventId = '') {}

  /** The events completed by this chunk. */
  push(chunk: string): SseEvent[] {
    this.buffer += chunk;
    const events: SseEvent[] = [];
    let start = 0;
    for (let i = 0; i < this.buffer.length; i++) {
      const c = this.buffer[i];
      if (c !== '\n' && c !== '\r') continue;
      // A CR at the end of the chunk may be the first half of a CRLF: wait for the next chunk.
      if (c === '\r' && i + 1 === this.buffer.length) break;
      const line = this.buffer.slice(start, i);
      if (c === '\r' && this.buffer[i + 1] === '\n') i++;
      start = i + 1;
      const event = this.line(line);
      if (event) events.push(event);
    }
    this.buffer = this.buffer.slice(start);
    return events;
  }

  private line(line: string): SseEvent | undefined {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.event = value;
    else if (field === 'id' && !value.includes('\0')) this.lastEventId = value;
    return undefined;
  }

  private dispatch(): SseEvent | undefined {
    const data = this.data;
    const event = this.event || 'message';
    this.data = [];
    this.event = '';
    if (data.length === 0) return undefined;
    return { event, data: data.join('\n'), lastEventId: this.lastEventId };
  }
}
