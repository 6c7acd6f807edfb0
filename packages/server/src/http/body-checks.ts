import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError } from '../errors/api-error.js';

/** JSON is UTF-8 (RFC 8259); a charset parameter may only say so. */
const UTF8 = new Set(['utf-8', 'utf8']);

const hasBody = (request: FastifyRequest) => {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
};

/** The charset parameter of a media type, unquoted and lowercase; undefined when absent. */
function charsetOf(contentType: string): string | undefined {
  const match = /;\s*charset\s*=\s*("?)([^";\s]*)\1/i.exec(contentType);
  return match ? (match[2] ?? '').toLowerCase() : undefined;
}

/**
 * What Fastify's JSON parser would let through but not understand, refused before parsing with
 * 415 APIGW.0203: a charset other than UTF-8 (it would decode the bytes as UTF-8 anyway) and a
 * compressed body (it would try to parse the compressed bytes). A GET or HEAD carries no body
 * the server reads (RFC 9110 gives it no meaning), so theirs is ignored rather than checked.
 */
export function installBodyChecks(app: FastifyInstance): void {
  app.addHook('preParsing', async (request, _reply, payload) => {
    if (request.method === 'GET' || request.method === 'HEAD' || !hasBody(request)) return payload;
    const charset = charsetOf(request.headers['content-type'] ?? '');
    if (charset !== undefined && !UTF8.has(charset)) throw new ApiError('unsupportedMediaType');
    const encoding = request.headers['content-encoding'];
    if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity')
      throw new ApiError('unsupportedMediaType');
    return payload;
  });
}
