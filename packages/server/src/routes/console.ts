import { existsSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../errors/api-error.js';
import { PACKAGE_ROOT } from '../install/package-root.js';

/**
 * The console's Vite output, found from the code's own location (never the working directory),
 * so the server never loads the console's code: `console/` inside the installed `ddm-jobs`
 * package (scripts/pack.js puts it there), else the console package's `dist/` beside the server's
 * in the repository (packages/console/dist), where `npm run build` writes it.
 */
export const DEFAULT_CONSOLE_DIR: string =
  [join(PACKAGE_ROOT, 'console'), join(PACKAGE_ROOT, '..', 'console', 'dist')].find((dir) =>
    existsSync(join(dir, 'index.html')),
  ) ?? join(PACKAGE_ROOT, '..', 'console', 'dist');

/**
 * Content-Security-Policy of every console answer: the console's own files only (no inline script
 * or style, no other host), images also as data: URLs, never framed, no plugins, no <base>.
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

const SECURITY_HEADERS = {
  'content-security-policy': CONSOLE_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

/** Vite names the files in assets/ by a hash of their content: a new build makes new names. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** index.html names the current assets: browsers keep it but ask again each time (ETag). */
const REVALIDATE = 'no-cache';

const NOT_BUILT =
  'The console is not built: run `npm run build` (it writes packages/console/dist), ' +
  'or start the server with --console-dir naming a built console.';

/** Headers of the files app's answer that the console's own reply sets for itself. */
const OWN_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'date']);

export interface ConsoleDeps {
  /** The folder of the built console: index.html and assets/. */
  dir: string;
}

/**
 * The folder's files served by @fastify/static in a Fastify app of their own, built at the first
 * request for a console file: the plugin and what it loads (some 30 modules) are then no part of
 * the server's start, which an emulator makes at every test. The plugin does all of a file's work
 * (the path's checks, content type, ETag and Last-Modified, 304) as it did registered here.
 */
function filesApp(root: string, assets: string): () => Promise<FastifyInstance> {
  let files: Promise<FastifyInstance> | undefined;
  return () => {
    files ??= (async () => {
      const [{ default: Fastify }, { default: fastifyStatic }] = await Promise.all([
        import('fastify'),
        import('@fastify/static'),
      ]);
      const app = Fastify({ logger: false });
      await app.register(fastifyStatic, {
        root,
        prefix: '/',
        // Read at each request, so a console built after the start is served without a restart.
        wildcard: true,
        index: false,
        dotfiles: 'ignore',
        acceptRanges: false,
        cacheControl: false,
        suppressWarning: true,
        setHeaders(reply, path) {
          reply.header('cache-control', path.startsWith(assets) ? IMMUTABLE : REVALIDATE);
        },
      });
      await app.ready();
      return app;
    })();
    return files;
  };
}

/**
 * The Task Center console's files under `/console/`: index.html at `/console/` (`/console`
 * redirects there), the files beside it by name. The console is one page without client-side
 * paths, so an unknown path is 404, not index.html. A folder without index.html (not built) is a
 * 404 saying how to build it. Nothing outside the folder is ever served.
 */
export async function consoleRoutes(app: FastifyInstance, deps: ConsoleDeps): Promise<void> {
  const root = resolve(deps.dir);
  const assets = join(root, 'assets') + sep;
  const files = filesApp(root, assets);
  const parentErrorHandler = app.errorHandler;

  app.addHook('onRequest', async (_request, reply) => {
    reply.headers(SECURITY_HEADERS).header('cache-control', REVALIDATE);
  });
  // Whatever the folder refuses (a path out of it, a dotfile, a directory) is a file not served.
  app.setErrorHandler((error: FastifyError & { status?: number }, request, reply) => {
    const status = error.statusCode ?? error.status ?? 500;
    const refused = !(error instanceof ApiError) && status >= 400 && status < 500;
    return parentErrorHandler(refused ? new ApiError('noSuchApi') : error, request, reply);
  });
  // Not the API's 404 handler, which would answer a known path's other method with 405.
  app.setNotFoundHandler(async () => {
    throw new ApiError('noSuchApi');
  });

  /**
   * Answers with the files app's answer for `path` (as the client wrote it, below /console/),
   * what it refuses being a file not served.
   * A HEAD asks for the GET, whose body Fastify leaves out as for any HEAD.
   */
  const sendFile = async (request: FastifyRequest, reply: FastifyReply, path: string) => {
    const answer = await (await files()).inject({
      method: request.method === 'HEAD' ? 'GET' : request.method,
      url: path,
      headers: request.headers,
    });
    if (answer.statusCode >= 400 && answer.statusCode < 500) throw new ApiError('noSuchApi');
    if (answer.statusCode >= 500)
      throw new Error(`console file ${path}: ${answer.statusCode} ${answer.body}`);
    for (const [name, value] of Object.entries(answer.headers))
      if (!OWN_HEADERS.has(name) && value !== undefined) reply.header(name, value);
    return reply.code(answer.statusCode).send(answer.rawPayload);
  };
  const sendIndex = async (request: FastifyRequest, reply: FastifyReply) => {
    if (!existsSync(join(root, 'index.html'))) throw new ApiError('noSuchApi', NOT_BUILT);
    return sendFile(request, reply, '/index.html');
  };
  app.get('/', { prefixTrailingSlash: 'slash' }, async (request, reply) => sendIndex(request, reply));
  app.get('', async (request, reply) => {
    const query = request.url.indexOf('?');
    return reply.redirect(`/console/${query === -1 ? '' : request.url.slice(query)}`, 301);
  });
  // The path as the client sent it (still encoded), for the plugin's own checks of it.
  app.get('/*', async (request, reply) => sendFile(request, reply, request.url.slice(app.prefix.length)));
}
