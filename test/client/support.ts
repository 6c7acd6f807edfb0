import { randomUUID } from 'node:crypto';
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer as createNetServer, type Socket } from 'node:net';
import { DdmClient, type DdmClientOptions } from '@ddm-jobs/client';
import { ALICE_KEY } from '../aksk/fixture.js';
import { PASSWORD, PROJECT_A, type TestServer } from '../support/harness.js';

/** Helpers of the SDK suites: a real server on a real port, and small real HTTP stand-ins. */

export const INSTANCE = 'inst0001';
export const DATABASE = 'db_e487';
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

const origin = (server: Server | ReturnType<typeof createNetServer>) =>
  `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

/** Makes the test server listen on a free port of 127.0.0.1; answers its URL. */
export async function listen(server: TestServer): Promise<string> {
  await server.app.listen({ port: 0, host: '127.0.0.1' });
  return origin(server.app.server);
}

/**
 * Closes a server `listen` opened. Its connections are cut first: after an abort, the client's
 * pool may open a spare connection that never sends a request, which the server would otherwise
 * wait for until its headers timeout (a minute).
 */
export async function closeListening(server: TestServer): Promise<void> {
  server.app.server.closeAllConnections();
  await server.close();
}

/** The ways the SDK authenticates, as the suites name them. */
export const AUTH_KINDS = [
  'token',
  'password with projectId',
  'password with project name',
  'password with the catalog endpoint',
  'AK/SK',
] as const;
export type AuthKind = (typeof AUTH_KINDS)[number];

/**
 * A client of alice on project A, authenticated the given way. Its clock is the server's, as a
 * client beside an emulator on a virtual clock would be configured.
 */
export async function clientFor(
  kind: AuthKind,
  url: string,
  server: TestServer,
  extra: Partial<DdmClientOptions> = {},
): Promise<DdmClient> {
  const now = () => server.clock.now();
  const password = { authUrl: url, username: 'alice', password: PASSWORD };
  const options: Record<AuthKind, () => Promise<DdmClientOptions>> = {
    token: async () => ({ endpoint: url, projectId: PROJECT_A, auth: await server.tokenFor('alice') }),
    'password with projectId': async () => ({
      endpoint: url,
      // No user domain: Keystone's default domain by id, as the openstack command assumes.
      auth: { password: { ...password, projectId: PROJECT_A } },
    }),
    'password with project name': async () => ({
      endpoint: url,
      auth: { password: { ...password, userDomainName: 'default', projectName: 'project-a' } },
    }),
    'password with the catalog endpoint': async () => ({
      projectId: PROJECT_A,
      regionName: 'local',
      auth: { password: { ...password, authUrl: `${url}/v3/` } },
    }),
    'AK/SK': async () => ({
      endpoint: url,
      projectId: PROJECT_A,
      auth: { accessKey: ALICE_KEY.ak, secretKey: ALICE_KEY.sk },
    }),
  };
  return new DdmClient({ now, ...(await options[kind]()), ...extra });
}

let sequence = 0;

/** Records a migrateLogicDb task of project A created `ago` ms before the server's now. */
export async function recordMigration(
  server: TestServer,
  fields: Record<string, unknown> = {},
  ago = HOUR - ++sequence * 1000,
): Promise<{ id: string; created_at: number }> {
  return (await server.record({
    id: randomUUID(),
    name: 'migrateLogicDb',
    database_name: DATABASE,
    created_at: server.clock.now() - ago,
    ...fields,
  })) as { id: string; created_at: number };
}

/**
 * The real fetch, noting every request it sent (`METHOD /path`) and the X-Request-Id of every
 * answer it got.
 */
export function countingFetch(): { fetch: typeof fetch; sent: string[]; requestIds: string[] } {
  const sent: string[] = [];
  const requestIds: string[] = [];
  const counted: typeof fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    sent.push(`${init?.method ?? 'GET'} ${url.pathname}`);
    const response = await fetch(input, init);
    requestIds.push(response.headers.get('x-request-id') ?? '');
    return response;
  };
  return { fetch: counted, sent, requestIds };
}

export interface Relay {
  url: string;
  /** `METHOD /path -> status` of each request that reached the relay. */
  seen: string[];
  close(): Promise<void>;
}

/** What the relay does with request number `n` (from 0): forward it, or answer it itself. */
export type RelayPlan = (
  n: number,
  request: IncomingMessage,
) => 'forward' | 'drop' | { status: number; headers?: Record<string, string>; body: string };

/**
 * A real HTTP relay in front of `target`, as a gateway or load balancer stands in front of the
 * service: it forwards each request unchanged (headers, body), answers it itself, or drops the
 * connection, as `plan` says. `onAnswer` sees each status the target answered.
 */
export async function startRelay(
  target: string,
  plan: RelayPlan,
  onAnswer: (status: number) => void = () => {},
): Promise<Relay> {
  const seen: string[] = [];
  let n = 0;
  const server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const decided = plan(n++, incoming);
      const label = `${incoming.method} ${incoming.url?.split('?')[0]}`;
      if (decided === 'drop') {
        seen.push(`${label} -> dropped`);
        incoming.socket.destroy();
        return;
      }
      if (decided !== 'forward') {
        seen.push(`${label} -> ${decided.status}`);
        outgoing.writeHead(decided.status, { 'content-type': 'application/json', ...decided.headers });
        outgoing.end(decided.body);
        return;
      }
      const forwarded = httpRequest(
        `${target}${incoming.url}`,
        { method: incoming.method, headers: incoming.headers },
        (answer) => {
          seen.push(`${label} -> ${answer.statusCode}`);
          onAnswer(answer.statusCode ?? 0);
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(outgoing);
        },
      );
      forwarded.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: origin(server),
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A gateway's answer for a backend that is down: 503 APIGW.0202 (no Retry-After unless given). */
export const gatewayAnswer = (status: number, code: string, message: string, retryAfter?: string) => ({
  status,
  headers: { 'x-request-id': `relay-${randomUUID()}`, ...(retryAfter ? { 'retry-after': retryAfter } : {}) },
  body: JSON.stringify({ error_code: code, error_msg: message, request_id: 'relay' }),
});

/**
 * A TCP server that accepts connections and never answers: an unresponsive network between the
 * client and the service (not our server, which always answers).
 */
export async function startSilentServer(): Promise<{
  url: string;
  requests: () => number;
  close(): Promise<void>;
}> {
  const sockets = new Set<Socket>();
  // Requests, not connections: a client's pool may open a spare connection it never uses.
  let count = 0;
  const server = createNetServer((socket) => {
    sockets.add(socket);
    socket.on('data', (data: Buffer) => {
      count += data.toString('latin1').match(/^(GET|PUT|POST) \//gm)?.length ?? 0;
    });
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: origin(server),
    requests: () => count,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A URL on which nothing listens: a port that was free a moment ago. */
export async function closedPortUrl(): Promise<string> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = origin(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return url;
}

/** Rejections as values, to assert on their fields. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection, got a result');
}
