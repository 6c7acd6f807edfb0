import { randomBytes } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { ERRORS, type ErrorKind, errorBody, keystoneErrorBody } from '@ddm-jobs/contract';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../errors/api-error.js';
import { KeystoneError } from '../errors/keystone-error.js';
import { isStoreUnavailable } from '../store/unavailable.js';
import { recordAllowedMethods } from './allowed-methods.js';
import { installBodyChecks } from './body-checks.js';

function send(reply: FastifyReply, kind: ErrorKind, detail?: string) {
  return reply
    .code(kind.status)
    .type('application/json')
    .send(errorBody(kind, String(reply.request.id), detail));
}

/** Fastify's own refusals (body parsing, limits), mapped onto the error table. */
function fromFastify(error: FastifyError): { kind: ErrorKind; detail?: string } | undefined {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { kind: ERRORS.bodyTooLarge };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { kind: ERRORS.unsupportedMediaType };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { kind: ERRORS.parameter, detail: 'The body must be a JSON object.' };
  }
  if (error.statusCode === 400) return { kind: ERRORS.parameter, detail: 'The body is not valid JSON.' };
  return undefined;
}

/** The identity routes answer in Keystone's shape, which OpenStack clients parse. */
const isKeystoneRoute = (request: FastifyRequest) =>
  request.routeOptions.url?.startsWith('/v3/auth/') ?? false;

/**
 * Fastify's refusals before routing (a path that does not decode, a path segment past the router's
 * length limit): no API has such a path, so they answer as an unknown route does. Hooks do not run
 * for them, so the request id and the security headers are set here.
 */
export function frameworkErrorAnswer(headers: Readonly<Record<string, string>>) {
  return (_error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    reply.headers(headers).header('x-request-id', request.id);
    return send(reply, ERRORS.noSuchApi);
  };
}

/**
 * Requests Node's HTTP parser refuses (a bad Content-Length, broken chunked encoding, a request
 * line that is not HTTP, headers past the size limit, a request too slow to arrive): no request
 * exists, so neither hooks nor the error handler run. The answer is written to the socket, in the
 * gateway's shape with a fresh request id and the security headers of every answer, and the
 * socket then closes, as Fastify's default handler does.
 */
export function clientErrorAnswer(headers: Readonly<Record<string, string>>) {
  const headerLines = Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  return (error: Error & { code?: string }, socket: Socket): void => {
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const kind =
      error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? ERRORS.requestTimeout
        : error.code === 'HPE_HEADER_OVERFLOW'
          ? ERRORS.headersTooLarge
          : ERRORS.badRequest;
    const requestId = randomBytes(16).toString('hex');
    const body = JSON.stringify(errorBody(kind, requestId));
    if (socket.writable) {
      socket.write(
        `HTTP/1.1 ${kind.status} ${STATUS_CODES[kind.status]}\r\nContent-Type: application/json\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\nX-Request-Id: ${requestId}\r\n${headerLines}` +
          `Connection: close\r\n\r\n${body}`,
      );
    }
    socket.destroy();
  };
}

/**
 * One place turns every failure into its documented answer (docs/api.md, "Errors"). Anything not
 * in the table is 500 DBS.300002, logged with the request id, its detail never sent.
 */
export function installErrorHandling(app: FastifyInstance): void {
  const allowedMethods = recordAllowedMethods(app);
  installBodyChecks(app);
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (error instanceof ApiError) return send(reply, error.kind, error.detail);
    if (error instanceof KeystoneError) {
      return reply.code(error.status).send(keystoneErrorBody(error.status, error.title, error.message));
    }
    const known = fromFastify(error);
    if (known?.kind === ERRORS.parameter && isKeystoneRoute(request)) {
      const message = 'Expecting to find valid JSON in request body.';
      return reply.code(400).send(keystoneErrorBody(400, 'Bad Request', message));
    }
    if (known) return send(reply, known.kind, known.detail);
    if (isStoreUnavailable(error)) {
      request.log.warn({ err: error }, 'database unavailable');
      reply.header('retry-after', '1');
      return send(reply, ERRORS.storeUnavailable);
    }
    request.log.error({ err: error }, 'unexpected failure');
    return send(reply, ERRORS.serverFailure);
  });
  // A known path asked with another method is 405 with `Allow`; any other path is 404.
  app.setNotFoundHandler((request, reply) => {
    const allowed = allowedMethods(request.url.split('?', 1)[0] ?? '');
    if (allowed.length === 0) return send(reply, ERRORS.noSuchApi);
    reply.header('allow', allowed.join(', '));
    return send(reply, ERRORS.methodNotAllowed);
  });
}
