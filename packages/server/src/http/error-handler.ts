import { ERRORS, type ErrorKind, errorBody, keystoneErrorBody } from '@ddm-jobs/contract';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, KeystoneError } from './api-error.js';

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
 * for them, so the request id header is set here.
 */
export function answerFrameworkError(_error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  reply.header('x-request-id', request.id);
  return send(reply, ERRORS.noSuchApi);
}

/**
 * One place turns every failure into its documented answer (design principle 6). Anything not
 * in the table is 500 DBS.300002, logged with the request id, its detail never sent.
 */
export function installErrorHandling(app: FastifyInstance): void {
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
    request.log.error({ err: error }, 'unexpected failure');
    return send(reply, ERRORS.serverFailure);
  });
  app.setNotFoundHandler((_request, reply) => send(reply, ERRORS.noSuchApi));
}
