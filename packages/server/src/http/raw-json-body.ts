import type { FastifyInstance } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    /** The body's bytes as received: a request signature covers these, not the parsed JSON. */
    rawBody?: Buffer;
    /** Why the JSON body did not parse; thrown only once the caller is authenticated. */
    bodyError?: Error;
  }
}

/**
 * Replaces Fastify's JSON parser with the same parser over a body kept as bytes, so that an
 * AK/SK signature can be checked against the exact body. A body that does not parse is not
 * refused while parsing: signed callers are verified after parsing (the signature needs the
 * body), and the order of checks says credentials come before parameters. The error is kept
 * and thrown in preHandler, after every authentication hook.
 */
export function installRawJsonBody(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const bytes = body as Buffer;
    request.rawBody = bytes;
    parse(request, bytes.toString('utf8'), (error, value) => {
      if (error) {
        request.bodyError = error;
        done(null, undefined);
      } else done(null, value);
    });
  });
  app.addHook('preHandler', async (request) => {
    if (request.bodyError) throw request.bodyError;
  });
}
