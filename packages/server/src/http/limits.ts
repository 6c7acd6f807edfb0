import type { FastifyInstance } from 'fastify';
import { ApiError } from '../errors/api-error.js';

/**
 * The HTTP server's limits (docs/hardening.md): a slow or stalled client cannot hold a
 * connection, and no request is bigger than the API needs.
 */
export interface HttpLimits {
  /** Time for the request line and headers to arrive, from the connection's first byte. */
  headersTimeoutMs: number;
  /** Time for the whole request, body included, to arrive (not the answer: streams are not cut). */
  requestTimeoutMs: number;
  /** How long an idle keep-alive connection is kept. */
  keepAliveTimeoutMs: number;
  /** How often Node checks the two timeouts above: a slow client is cut at most this much late. */
  timeoutCheckIntervalMs: number;
}

export const DEFAULT_HTTP_LIMITS: HttpLimits = {
  headersTimeoutMs: 15_000,
  // The largest body is 64 KiB: 30 s is a 17 bit/s link.
  requestTimeoutMs: 30_000,
  // Longer than the 60 s idle timeout of common load balancers, so they close first, not us
  // (a request sent on a connection the server is closing fails).
  keepAliveTimeoutMs: 72_000,
  timeoutCheckIntervalMs: 1_000,
};

/** Request line and headers together, Node's default, set explicitly: beyond it 431. */
export const MAX_HEADER_BYTES = 16 * 1024;

/** Longest URL (path and query) answered; no API needs more than a few hundred bytes. */
export const MAX_URL_LENGTH = 8 * 1024;

/** The Fastify options that carry the limits to Node's HTTP server. */
export function serverLimitOptions(limits: HttpLimits) {
  return {
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    http: {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      connectionsCheckingInterval: limits.timeoutCheckIntervalMs,
      maxHeaderSize: MAX_HEADER_BYTES,
    },
  };
}

/** 414 APIGW.0201 for a URL past MAX_URL_LENGTH, before routing, throttling or authentication. */
export function installUrlLimit(app: FastifyInstance): void {
  app.addHook('onRequest', async (request) => {
    if (request.raw.url !== undefined && request.raw.url.length > MAX_URL_LENGTH)
      throw new ApiError('uriTooLong');
  });
}
