/**
 * The soak's standing readers: a worker long-polling the change feed, and Server-Sent Events
 * consumers (the tenant's task stream, the internal feed as a stream) that stay connected and
 * now and then hang up and resume from their last event id, as browsers and workers do.
 * Anything but a 200, a break in the event ids' order, or a stream the server ends while the
 * consumer still listens is a failure.
 */

/**
 * Records a failure: its kind, the request, the status (0: no answer) and what went wrong.
 *
 * @typedef {(kind: string, method: string, path: string, status: number, detail: string) => void} Fail
 */

/**
 * @typedef {object} ConsumerOptions
 * @property {string} url the server's base URL
 * @property {string} token
 * @property {AbortSignal} stop ends the consumer
 * @property {Fail} fail
 */

/**
 * A long-poll loop on GET /internal/v1/events: each answer's `next_cursor` is the next `after`.
 * Its requests are counted as kind `feed`; they wait for news, so their time is no latency.
 *
 * @param {ConsumerOptions & { count: (kind: string, ok: boolean) => void }} options
 */
export function feedConsumer({ url, token, stop, count, fail }) {
  const state = { events: 0, polls: 0 };
  const run = async () => {
    let after = 0;
    while (!stop.aborted) {
      const path = `/internal/v1/events?after=${after}&limit=500&wait=5`;
      try {
        const response = await fetch(`${url}${path}`, { headers: { 'x-auth-token': token }, signal: stop });
        const text = await response.text();
        state.polls++;
        count('feed', response.status === 200);
        if (response.status !== 200) {
          fail('feed', 'GET', path, response.status, text);
          await new Promise((resolve) => setTimeout(resolve, 1000));
          continue;
        }
        /** @type {import('@ddm-jobs/contract').EventsResponse} */
        const body = JSON.parse(text);
        for (const event of body.events) {
          if (Number(event.cursor) <= after)
            fail('feed', 'GET', path, 200, `cursor ${event.cursor} after ${after}`);
          after = Number(event.cursor);
        }
        state.events += body.events.length;
        after = Math.max(after, Number(body.next_cursor));
      } catch (error) {
        if (stop.aborted) break;
        count('feed', false);
        fail('feed', 'GET', path, 0, String(error));
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  };
  return { state, done: run() };
}

/**
 * An SSE consumer of `path`: reads events, checks that no event comes twice (and, where ids are
 * the feed's numeric cursors, that they increase; a tenant stream's ids are opaque), hangs up
 * after a random 30 to 90 s and reconnects with Last-Event-ID.
 *
 * @param {ConsumerOptions & { path: string }} options
 */
export function streamConsumer({ url, token, path, stop, fail }) {
  const state = { path, events: 0, connections: 0, reconnects: 0 };
  const run = async () => {
    /** @type {string | undefined} */
    let lastId;
    /** @type {Set<string>} */
    const seen = new Set();
    while (!stop.aborted) {
      const hangUp = new AbortController();
      const onStop = () => hangUp.abort();
      stop.addEventListener('abort', onStop, { once: true });
      const timer = setTimeout(() => hangUp.abort(), 30_000 + Math.random() * 60_000);
      try {
        const response = await fetch(`${url}${path}`, {
          headers: {
            accept: 'text/event-stream',
            'x-auth-token': token,
            ...(lastId === undefined ? {} : { 'last-event-id': lastId }),
          },
          signal: hangUp.signal,
        });
        if (response.status !== 200) {
          fail('stream', 'GET', path, response.status, await response.text());
          await new Promise((resolve) => setTimeout(resolve, 1000));
          continue;
        }
        state.connections++;
        if (state.connections > 1) state.reconnects++;
        const decoder = new TextDecoder();
        let buffer = '';
        /** @type {string | undefined} */
        let id;
        // A 200 always has a body; should one lack it, that is this connection's failure.
        if (response.body === null) throw new Error('a 200 without a body');
        for await (const chunk of response.body) {
          buffer += decoder.decode(chunk, { stream: true });
          let end = buffer.indexOf('\n');
          while (end >= 0) {
            const line = buffer.slice(0, end);
            buffer = buffer.slice(end + 1);
            if (line.startsWith('id:')) id = line.slice(3).trim();
            else if (line === '' && id !== undefined) {
              if (seen.has(id)) fail('stream', 'GET', path, 200, `event ${id} came twice`);
              const numeric = /^\d+$/.test(id) && lastId !== undefined && /^\d+$/.test(lastId);
              if (numeric && Number(id) <= Number(lastId))
                fail('stream', 'GET', path, 200, `event ${id} after ${lastId}`);
              seen.add(id);
              lastId = id;
              state.events++;
              id = undefined;
            }
            end = buffer.indexOf('\n');
          }
        }
        // The body ended while the consumer still listened: the server closed the stream.
        if (!hangUp.signal.aborted) fail('stream', 'GET', path, 200, 'the server ended the stream');
      } catch (error) {
        if (!hangUp.signal.aborted) fail('stream', 'GET', path, 0, String(error));
      } finally {
        clearTimeout(timer);
        stop.removeEventListener('abort', onStop);
      }
    }
  };
  return { state, done: run() };
}
