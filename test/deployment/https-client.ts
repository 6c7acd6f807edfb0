import type { IncomingHttpHeaders } from 'node:http';
import { request } from 'node:https';

// A small HTTPS client over node:https for the reverse-proxy test: it trusts the test's own
// self-signed certificate (`ca`), and can send from a chosen loopback address (`localAddress`,
// e.g. 127.0.0.2) so that the proxy sees clients at different addresses on one machine.

export interface HttpsOptions {
  /** The certificate (PEM) the proxy presents, trusted for this request alone. */
  ca: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** The client's own address, e.g. 127.0.0.2. */
  localAddress?: string;
}

export interface HttpsAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One request, read to its end. */
export function httpsRequest(url: string, options: HttpsOptions): Promise<HttpsAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: options.method ?? 'GET',
        headers: options.headers ?? {},
        ca: options.ca,
        ...(options.localAddress ? { localAddress: options.localAddress } : {}),
        agent: false,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

export interface HttpsStream {
  status: number;
  headers: IncomingHttpHeaders;
  /** Everything received so far. */
  text(): string;
  /** Resolves with the wall time (performance.now()) at which `text` first held `needle`. */
  arrival(needle: string, timeoutMs?: number): Promise<number>;
  close(): void;
}

/**
 * Opens a long response (an event stream) and resolves once its headers arrived; rejects if they
 * take longer than `timeoutMs` (as when a proxy holds the response in its buffer).
 */
export function openHttpsStream(
  url: string,
  options: HttpsOptions,
  timeoutMs = 10_000,
): Promise<HttpsStream> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`no response headers from ${url} within ${timeoutMs} ms`));
    }, timeoutMs);
    const req = request(
      url,
      { method: 'GET', headers: options.headers ?? {}, ca: options.ca, agent: false },
      (res) => {
        clearTimeout(timer);
        let text = '';
        // Closing the stream mid-response is how the test ends it, not a failure.
        res.on('error', () => {});
        const waiters: { needle: string; done: (at: number) => void }[] = [];
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
          const now = performance.now();
          for (const waiter of waiters.splice(0))
            if (text.includes(waiter.needle)) waiter.done(now);
            else waiters.push(waiter);
        });
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          text: () => text,
          arrival(needle, timeoutMs = 10_000) {
            if (text.includes(needle)) return Promise.resolve(performance.now());
            return new Promise((done, fail) => {
              const timer = setTimeout(
                () => fail(new Error(`no ${needle} in the stream within ${timeoutMs} ms: ${text}`)),
                timeoutMs,
              );
              waiters.push({
                needle,
                done: (at) => {
                  clearTimeout(timer);
                  done(at);
                },
              });
            });
          },
          close: () => req.destroy(),
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}
