import type { FastifyInstance, FastifyRequest } from 'fastify';
import { authToken } from '../http/headers.js';
import { type CatalogOptions, type Keystone, versionDocument } from '../identity/keystone.js';

export interface KeystoneRouteOptions {
  keystone: Keystone;
  /** The URL clients use to reach this server; when unset, taken from each request's Host. */
  publicUrl: string | undefined;
  region: string;
}

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

  app.get('/v3', async (request) => ({ version: versionDocument(baseUrlOf(request)) }));

  app.post('/v3/auth/tokens', async (request, reply) => {
    const issued = await keystone.issue(request.body, catalogOf(request), wantsCatalog(request));
    reply.code(201).header('x-subject-token', issued.token);
    return issued.body;
  });

  app.get('/v3/auth/tokens', async (request, reply) => {
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
