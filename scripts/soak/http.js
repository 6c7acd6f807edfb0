/**
 * The load's requests: plain node:http on a keep-alive agent with a bounded number of sockets.
 * fetch (undici) opens a connection per request in flight without bound and costs several times
 * the CPU a request: a starved load process then fell behind its own schedule, so the load would
 * have measured itself. Requests past the socket bound wait in the agent's queue, and that wait
 * counts in their latency, as it would for a client.
 */
import { Agent, request } from 'node:http';

/**
 * @typedef {object} HttpRequest
 * @property {string} [method] GET unless named
 * @property {string} path
 * @property {Record<string, string>} [headers]
 * @property {unknown} [body] sent as JSON; none when undefined
 */

/** @typedef {{ status: number; text: string }} HttpAnswer */

/**
 * @param {string} baseUrl
 * @param {{ sockets?: number; timeoutMs?: number }} [options] `timeoutMs`: how long a request may
 *   wait for an answer before it fails
 */
export function httpClient(baseUrl, { sockets = 64, timeoutMs = 30_000 } = {}) {
  const agent = new Agent({ keepAlive: true, maxSockets: sockets });
  const { hostname, port } = new URL(baseUrl);
  return {
    /**
     * Resolves with `{ status, text }`; status 0 and the error's text when no answer came.
     *
     * @param {HttpRequest} req
     * @returns {Promise<HttpAnswer>}
     */
    send({ method = 'GET', path, headers = {}, body }) {
      return new Promise((resolve) => {
        const payload = body === undefined ? undefined : JSON.stringify(body);
        const req = request(
          {
            agent,
            hostname,
            port,
            method,
            path,
            headers: payload === undefined ? headers : { ...headers, 'content-type': 'application/json' },
            timeout: timeoutMs,
          },
          (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (chunk) => {
              text += chunk;
            });
            res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
            res.on('error', (error) => resolve({ status: 0, text: String(error) }));
          },
        );
        req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
        req.on('error', (error) => resolve({ status: 0, text: String(error) }));
        req.end(payload);
      });
    },
    close: () => agent.destroy(),
  };
}
