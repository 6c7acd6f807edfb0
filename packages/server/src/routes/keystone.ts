import type { FastifyInstance, FastifyRequest } from 'fastify';
import { authToken } from '../identity/headers.js';
import { type CatalogOptions, type Keystone, versionDocument } from '../identity/keystone.js';

export interface KeystoneRouteOptions {
  keystone: Keystone;
  /** The URL clients use to reach this server; when unset, taken from each request's Host. */
  publicUrl: string | undefined;
  region: string;
}

/**
 * A path and the same path with a trailing slash. Keystone strips trailing slashes before routing
 * (its URLNormalizingMiddleware), and the self link of its version document, which keystoneauth
 * follows, is `/v3/`: a client handed or configured with that URL must not get a 404.
 */
const withTrailingSlash = (path: string) => [path, `${path}/`];

/** Keystone v3's token and discovery routes, enough for keystoneauth and the `openstack` command. */
export function keystoneRoutes(app: FastifyInstance, options: KeystoneRouteOptions): void {
  const { keystone, publicUrl, region } = options;
  const baseUrlOf = (request: FastifyRequest) => publicUrl ?? `${request.protocol}://${request.host}`;
  const catalogOf = (request: FastifyRequest): CatalogOptions => ({ baseUrl: baseUrlOf(request), region });
  const wantsCatalog = (request: FastifyRequest) =>
    !('nocatalog' in (request.query as Record<string, unknown>));

  app.get('/', async (request, reply) => {
    reply.code(300);
    return { versions: { values: [versionDocument(baseUrlOf(request))] } };
  });

  for (const path of withTrailingSlash('/v3')) {
    app.get(path, async (request) => ({ version: versionDocument(baseUrlOf(request)) }));
  }

  for (const path of withTrailingSlash('/v3/auth/tokens')) {
    app.post(path, async (request, reply) => {
      const issued = await keystone.issue(request.body, catalogOf(request), wantsCatalog(request));
      reply.code(201).header('x-subject-token', issued.token);
      return issued.body;
    });

    app.get(path, async (request, reply) => {
      const subject = request.headers['x-subject-token'];
      const body = await keystone.validate(
        authToken(request.headers),
        typeof subject === 'string' ? subject : undefined,
        catalogOf(request),
        wantsCatalog(request),
      );
      reply.header('x-subject-token', subject);
      return body;
    });
  }
}
