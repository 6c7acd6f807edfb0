import { describe, expect, it } from 'vitest';
import { SseParser } from '../../packages/client/src/sse-parser.js';

/** The SDK's reading of Server-Sent Events (the HTML standard's rules), chunk by chunk. */
describe('SseParser', () => {
  it('dispatches an event at its blank line, with its type, data and id', () => {
    const parser = new SseParser();
    expect(parser.push('id: 7\nevent: changed\ndata: {"a":1}\n')).toEqual([]);
    expect(parser.push('\n')).toEqual([{ event: 'changed', data: '{"a":1}', lastEventId: '7' }]);
  });

  it('joins data lines, ignores comments and unknown fields, and defaults the type to message', () => {
    const parser = new SseParser();
    const events = parser.push(': keep-alive\n\nretry: 10\nfoo: bar\ndata: one\ndata:two\ndata\n\n');
    expect(events).toEqual([{ event: 'message', data: 'one\ntwo\n', lastEventId: '' }]);
  });

  it('accepts CRLF, CR and LF line ends, also when a CRLF is split between chunks', () => {
    const parser = new SseParser();
    expect(parser.push('id: 1\r\ndata: a\r')).toEqual([]);
    expect(parser.push('\n\r\nid: 2\rdata: b\r\r')).toEqual([
      { event: 'message', data: 'a', lastEventId: '1' },
    ]);
    expect(parser.push('data: c\n\n')).toEqual([
      { event: 'message', data: 'b', lastEventId: '2' },
      { event: 'message', data: 'c', lastEventId: '2' },
    ]);
  });

  it('keeps the last id across events and from a previous connection; an id with NUL is ignored', () => {
    const parser = new SseParser('41');
    expect(parser.push('data: x\n\nid: 4\0 2\ndata: y\n\n')).toEqual([
      { event: 'message', data: 'x', lastEventId: '41' },
      { event: 'message', data: 'y', lastEventId: '41' },
    ]);
  });

  it('drops an event without data, and holds a line until its end arrives', () => {
    const parser = new SseParser();
    expect(parser.push('event: changed\nid: 9\n\ndata: half')).toEqual([]);
    expect(parser.push('\ndata: rest\n\n')).toEqual([
      { event: 'message', data: 'half\nrest', lastEventId: '9' },
    ]);
  });
});
