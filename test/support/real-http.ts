import type { TestServer } from './harness.js';

/** What the tests read of an answer, alike from `app.inject` and from a real HTTP exchange. */
export interface HttpAnswer {
  statusCode: number;
  body: string;
  headers: Record<string, string | string[] | number | undefined>;
  // biome-ignore lint/suspicious/noExplicitAny: as `app.inject`'s answers, so tests read fields directly
  json(): any;
}

const origins = new WeakMap<TestServer, Promise<string>>();

/** The test server's origin (`http://127.0.0.1:PORT`), listening from the first call on. */
export function originOf(server: TestServer): Promise<string> {
  let origin = origins.get(server);
  if (!origin) {
    origin = server.app.listen({ host: '127.0.0.1', port: 0 });
    origins.set(server, origin);
  }
  return origin;
}

/** Sends a request to the test server over a real socket, as a client would. */
export async function sendOverHttp(
  server: TestServer,
  request: { method: string; url: string; headers: Record<string, string>; body?: string },
): Promise<HttpAnswer> {
  const response = await fetch(`${await originOf(server)}${request.url}`, {
    method: request.method,
    headers: request.headers,
    ...(request.body === undefined ? {} : { body: request.body }),
  });
  const body = await response.text();
  return {
    statusCode: response.status,
    body,
    headers: Object.fromEntries(response.headers),
    json: () => JSON.parse(body),
  };
}
