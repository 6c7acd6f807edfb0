import type { LightMyRequestResponse } from 'fastify';
import { PROJECT_A, type TestServer } from './harness.js';

/** Helpers for the API acceptance tests: expected bodies written out, never derived from the code. */

export const SECOND = 1_000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** The earliest `start_time` the list accepts: now − 30 days − the five-minute grace. */
export const oldestStart = (now: number) => now - 2_592_000_000 - 300_000;

/** The DDM time format in UTC, computed independently of the server's formatter. */
export const ddmTime = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}+0000`;

/** A DDM error body as JSON text, in the documented key order. */
export const ddmErrorText = (code: string, message: string) =>
  JSON.stringify({ error_code: code, error_msg: message });

/** An API gateway error body as JSON text: DDM's shape plus the request id. */
export const gatewayErrorText = (code: string, message: string, requestId: string) =>
  JSON.stringify({ error_code: code, error_msg: message, request_id: requestId });

export const PARAMETER_ERROR = (detail: string) => ddmErrorText('DBS.280001', `Parameter error. ${detail}`);
export const TASK_NOT_FOUND = ddmErrorText('DBS.300400', 'The task is not found.');

export const GATEWAY = {
  tokenMissing: ['APIGW.0301', 'Incorrect IAM authentication information: x-auth-token not found'],
  tokenInvalid: ['APIGW.0301', 'Incorrect IAM authentication information: decrypt token fail'],
  tokenExpired: ['APIGW.0307', 'The token must be updated'],
  notAuthorized: ['APIGW.0302', 'The IAM user is not authorized to access the API'],
  noSuchApi: ['APIGW.0101', 'The API does not exist or has not been published in the environment'],
} as const;

/** A response of `app.inject`. */
export type Answer = LightMyRequestResponse;

export const requestIdOf = (response: Answer) => String(response.headers['x-request-id']);

/** The gateway body expected for this response, with the request id its header carries. */
export const gatewayBodyFor = (response: Answer, kind: keyof typeof GATEWAY) =>
  gatewayErrorText(GATEWAY[kind][0], GATEWAY[kind][1], requestIdOf(response));

/** `/v3/{project}/jobs?...` with the parameters in the given order, values as given (not encoded). */
export function listUrl(projectId: string, query: Record<string, string | number> | string): string {
  const text =
    typeof query === 'string'
      ? query
      : Object.entries(query)
          .map(([key, value]) => `${key}=${value}`)
          .join('&');
  return `/v3/${projectId}/jobs?${text}`;
}

/** Lists as a fixture user and returns the raw response. */
export async function listAs(
  server: TestServer,
  user: string,
  projectId: string,
  query: Record<string, string | number> | string,
): Promise<Answer> {
  return server.app.inject({
    url: listUrl(projectId, query),
    headers: { 'x-auth-token': await server.tokenFor(user) },
  });
}

/** A producer's body recording a shard migration of project A, created an hour before `now`. */
export const migrationRecord = (now: number) => ({
  project_id: PROJECT_A,
  name: 'migrateLogicDb',
  instance_id: '733c7e8d73a54c27b8308ec784a8be8cin09',
  instance_name: 'UTS-ddm-dtc-src',
  database_name: 'db_e487',
  created_at: now - HOUR,
});

/** The producer's internal API as the worker fixture. */
export async function internal(
  server: TestServer,
  method: 'GET' | 'POST' | 'PATCH',
  path: string,
  payload?: unknown,
): Promise<Answer> {
  const headers: Record<string, string> = { 'x-auth-token': await server.tokenFor('worker') };
  if (typeof payload === 'string') headers['content-type'] = 'application/json';
  return server.app.inject({
    method,
    url: path,
    headers,
    ...(payload === undefined ? {} : { payload: payload as string | object }),
  });
}
