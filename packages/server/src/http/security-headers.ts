import type { FastifyInstance, FastifyReply } from 'fastify';

/**
 * The security headers of every answer (SECURITY.md). The API answers JSON that carries tokens
 * and task data: never cached by browsers or proxies, never sniffed as HTML, never framed, and a
 * CSP that lets a JSON document load nothing should a browser render it. A route that sets its
 * own value keeps it: the console (routes/console.ts) sets its own CSP and revalidating caching
 * in its scoped onRequest hook, which runs after this one; event streams set `no-cache`.
 */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'";

/** HSTS for a year, only when clients reach the server over https (`--public-url https://...`). */
export const HSTS = 'max-age=31536000; includeSubDomains';

export interface SecurityHeaderOptions {
  /** Send Strict-Transport-Security: the public URL is https (over http it would be ignored, or wrong). */
  https: boolean;
}

/** The headers every answer carries, whoever writes it (hooks, or the parser's refusals). */
export function securityHeaders(options: SecurityHeaderOptions): Readonly<Record<string, string>> {
  return {
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'cache-control': 'no-store',
    'content-security-policy': API_CSP,
    ...(options.https ? { 'strict-transport-security': HSTS } : {}),
  };
}

export function installSecurityHeaders(
  app: FastifyInstance,
  defaults: Readonly<Record<string, string>>,
): void {
  const setMissing = (reply: FastifyReply) => {
    for (const [name, value] of Object.entries(defaults))
      if (!reply.hasHeader(name)) reply.header(name, value);
  };
  // onRequest: before any route or hook sets its own (and before event streams copy the headers
  // set so far); onSend: again for answers given before this hook ran (an earlier hook refusing).
  app.addHook('onRequest', async (_request, reply) => setMissing(reply));
  app.addHook('onSend', async (_request, reply, payload) => {
    setMissing(reply);
    return payload;
  });
}
