import { request as httpRequest, type OutgoingHttpHeaders } from 'node:http';
import { ERRORS } from '@ddm-jobs/contract';
import type { Store } from '@ddm-jobs/server';
import type { FastifyInstance } from 'fastify';

/** Helpers of the route-generic fuzzer (test/hardening/fuzz-routes.test.ts). */

export interface AppRoute {
  /** Fastify's pattern: `/v3/:project_id/jobs/:job_id`, `/console/*`. */
  url: string;
  methods: string[];
}

/**
 * Every route the app serves, read from Fastify's own listing (`printRoutes`), so that a route
 * added later is fuzzed without anyone remembering to list it here. The listing is a tree: each
 * line's indentation (four characters a level) says its parent, its text extends the parent's path.
 */
export function appRoutes(app: FastifyInstance): AppRoute[] {
  const routes: AppRoute[] = [];
  const prefixes: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^([│ ]*)[├└]── (.*?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!match) continue;
    const depth = (match[1] as string).length / 4;
    const url = (prefixes[depth - 1] ?? '') + (match[2] as string);
    prefixes[depth] = url;
    prefixes.length = depth + 1;
    if (match[3]) routes.push({ url, methods: match[3].split(', ') });
  }
  return routes;
}

/** Which error bodies are documented: every `status code` pair of the contract's error table. */
const DOCUMENTED = new Set(Object.values(ERRORS).map((kind) => `${kind.status} ${kind.code}`));

/** The identity routes answer their refusals in Keystone's shape (and the gateway's before routing). */
const isIdentityPath = (path: string) => /^\/(v3\/?)?$|^\/v3\/auth\//.test(path);

/**
 * Why an answer is not one the documentation allows, or undefined when it is: never a 5xx, and a
 * 4xx carries a documented error (Keystone's shape accepted on the identity routes). HEAD answers
 * carry no body to check.
 */
export function undocumented(
  answer: { status: number; body: string; contentType: string | undefined },
  method: string,
  path: string,
): string | undefined {
  if (answer.status >= 500) return `status ${answer.status}`;
  if (answer.status < 400 || method === 'HEAD') return undefined;
  if (!answer.contentType?.startsWith('application/json'))
    return `a ${answer.status} of type ${answer.contentType}`;
  let body: unknown;
  try {
    body = JSON.parse(answer.body);
  } catch {
    return `a ${answer.status} whose body is not JSON`;
  }
  const record = (body ?? {}) as { error_code?: unknown; error?: { code?: unknown; message?: unknown } };
  if (isIdentityPath(path) && record.error !== undefined) {
    if (record.error.code === answer.status && typeof record.error.message === 'string') return undefined;
    return `a Keystone error of another code: ${answer.body}`;
  }
  if (!DOCUMENTED.has(`${answer.status} ${String(record.error_code)}`))
    return `an undocumented error: ${answer.status} ${answer.body.slice(0, 300)}`;
  return undefined;
}

/**
 * A cheap fingerprint of everything a request may write: the change feed's last cursor and the
 * task counts (every task write appends to the feed), the simulations, the identities (users,
 * passwords, token epochs, roles, access keys and whether they are enabled) and the clock. A
 * key's lock after failed signatures is left out: the lockout is documented as a refusal's effect.
 */
export async function storeFingerprint(store: Store, clockNow: number): Promise<string> {
  const [cursor, counts, simulations, users, roles, credentials] = await Promise.all([
    store.lastEventCursor(),
    store.countJobsByStatus(),
    store.listSimulations(),
    store.listUsers(),
    store.listRoleAssignments({}),
    store.listCredentials({}),
  ]);
  return JSON.stringify({
    cursor,
    counts,
    simulations: simulations.length,
    users: users.map((u) => [u.id, u.name, u.enabled, u.passwordHash, u.tokenEpoch]).sort(),
    roles: roles.map((r) => JSON.stringify(r)).sort(),
    credentials: credentials.map((c) => [c.accessKey, c.userId, c.enabled]).sort(),
    clockNow,
  });
}

export interface RawAnswer {
  status: number;
  headers: OutgoingHttpHeaders;
  body: string;
}

/**
 * Sends one request over a real socket and reads the answer; an event stream (200
 * `text/event-stream`) is dropped once its headers arrive, as a client that goes away would.
 * For the stream routes, which `app.inject` would wait on forever.
 */
export function sendOverSocket(
  base: string,
  request: { method: string; url: string; headers: Record<string, string>; body?: Buffer },
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      new URL(request.url, base),
      { method: request.method, headers: request.headers },
      (res) => {
        const status = res.statusCode ?? 0;
        if (String(res.headers['content-type']).startsWith('text/event-stream')) {
          req.destroy();
          resolve({ status, headers: res.headers, body: '' });
          return;
        }
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status, headers: res.headers, body }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(request.body);
  });
}
