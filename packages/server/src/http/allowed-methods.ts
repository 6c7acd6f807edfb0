import type { FastifyInstance } from 'fastify';

interface KnownRoute {
  pattern: RegExp;
  methods: Set<string>;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `/v3/:project_id/jobs/:job_id` as a regular expression over a request path. */
function patternOf(url: string): RegExp {
  const source = url
    .split('/')
    .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment === '*' ? '.*' : escapeRegExp(segment)))
    .join('/');
  return new RegExp(`^${source}$`);
}

/**
 * Which methods each registered path answers, so that an unrouted request on a known path can be
 * 405 with `Allow` rather than 404. Fastify's router only says "no route", and its lookup by
 * concrete path is not public, so the routes are recorded as they are added (install this before
 * any route). The task API has a handful of routes: a linear scan on the unhappy path is cheap.
 */
export function recordAllowedMethods(app: FastifyInstance): (path: string) => string[] {
  const routes = new Map<string, KnownRoute>();
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    let known = routes.get(route.url);
    if (!known) {
      known = { pattern: patternOf(route.url), methods: new Set() };
      routes.set(route.url, known);
    }
    for (const method of methods) known.methods.add(method.toUpperCase());
  });
  return (path) => {
    const allowed = new Set<string>();
    for (const { pattern, methods } of routes.values()) {
      if (pattern.test(path)) for (const method of methods) allowed.add(method);
    }
    return [...allowed].sort();
  };
}
