/**
 * The one error table (docs/api.md, "Errors"): each failure kind has one HTTP status, one code
 * and one message. DDM's own errors answer `{"error_code","error_msg"}`; the API gateway's also
 * carry `request_id`. The internal producer API reuses DDM's shape with codes of its own.
 */

export interface ErrorKind {
  readonly status: number;
  readonly code: string;
  readonly message: string;
  /** Gateway errors carry the request id in the body as well as in `X-Request-Id`. */
  readonly gateway: boolean;
}

const ddm = (status: number, code: string, message: string): ErrorKind => ({
  status,
  code,
  message,
  gateway: false,
});
const gateway = (status: number, code: string, message: string): ErrorKind => ({
  status,
  code,
  message,
  gateway: true,
});

export const ERRORS = {
  // DDM's own
  parameter: ddm(400, 'DBS.280001', 'Parameter error.'),
  invalidTimeRange: ddm(400, 'DBS.300377', 'Invalid time range.'),
  operationNotAllowed: ddm(400, 'DBS.300379', 'The operation is not allowed for this type of tasks.'),
  jobNotFound: ddm(404, 'DBS.300400', 'The task is not found.'),
  // Starting a shard change (docs/api.md, "Starting a shard change"); the cloud answers each with 400.
  scaleOutFailed: ddm(400, 'DBS.300118', 'Failed to scale out the schema. Check the request parameters.'),
  schemaNotFound: ddm(400, 'DBS.300129', 'The schema does not exist.'),
  schemaNotRunning: ddm(400, 'DBS.300130', 'The schema status does not allow this operation.'),
  dataNodeInUse: ddm(400, 'DBS.300133', 'The data node is already used by a shard configuration.'),
  dataNodeLogin: ddm(400, 'DBS.300357', 'The user name or password of the data node is incorrect.'),
  preCheckFailed: ddm(400, 'DBS.300363', 'Pre-check failed.'),
  loadBalancingOff: ddm(400, 'DBS.300370', 'Load balancing is not enabled.'),
  invalidParameter: ddm(400, 'DBS.300375', 'Invalid parameter.'),
  serverFailure: ddm(500, 'DBS.300002', 'Server failure.'),
  // The API gateway's
  tokenMissing: gateway(
    401,
    'APIGW.0301',
    'Incorrect IAM authentication information: x-auth-token not found',
  ),
  tokenInvalid: gateway(401, 'APIGW.0301', 'Incorrect IAM authentication information: decrypt token fail'),
  signatureInvalid: gateway(
    401,
    'APIGW.0301',
    'Incorrect IAM authentication information: verify aksk signature fail',
  ),
  tokenExpired: gateway(401, 'APIGW.0307', 'The token must be updated'),
  notAuthorized: gateway(403, 'APIGW.0302', 'The IAM user is not authorized to access the API'),
  noSuchApi: gateway(
    404,
    'APIGW.0101',
    'The API does not exist or has not been published in the environment',
  ),
  throttled: gateway(429, 'APIGW.0308', 'The throttling threshold has been reached'),
  // Decided: the gateway's shape for what the gateway itself refuses before routing.
  bodyTooLarge: gateway(413, 'APIGW.0201', 'Request entity too large'),
  unsupportedMediaType: gateway(415, 'APIGW.0203', 'Unsupported media type: send application/json'),
  // Requests that do not parse as HTTP (a bad Content-Length, broken chunks), in the gateway's
  // shape: its table has APIG.0201 `API request error` (400) beside `Request entity too large`.
  badRequest: gateway(400, 'APIGW.0201', 'API request error'),
  requestTimeout: gateway(408, 'APIGW.0201', 'Request timeout'),
  headersTooLarge: gateway(431, 'APIGW.0201', 'Request header fields too large'),
  // Decided: a request line past the URL limit (8 KiB), before routing or authentication.
  uriTooLong: gateway(414, 'APIGW.0201', 'Request URI too long'),
  // Decided: the database cannot be reached (down, restarting, no connection free in time); the
  // gateway's "backend unavailable", answered 503 with Retry-After so clients send again.
  storeUnavailable: gateway(503, 'APIGW.0202', 'Backend unavailable'),
  // Decided, and ours (the cloud's gateway answers 404 APIG.0101 here): a known path, another method.
  methodNotAllowed: gateway(
    405,
    'DDMJOBS.0405',
    'The API does not support this method; see the Allow header',
  ),
  // The internal producer API's (decided)
  transitionNotAllowed: ddm(409, 'DDMJOBS.0409', 'The status transition is not allowed.'),
  versionConflict: ddm(409, 'DDMJOBS.0410', 'The task has changed since the given version.'),
  idConflict: ddm(409, 'DDMJOBS.0411', 'A task with this id exists with other content.'),
  // The emulator's (decided)
  credentialsHandedOut: ddm(
    409,
    'DDMJOBS.0420',
    "The request's data-node credentials were handed out already, or dropped.",
  ),
  preCheckAnswered: ddm(409, 'DDMJOBS.0421', 'The pre-check was answered already.'),
  tenantExists: ddm(409, 'DDMJOBS.0430', 'A project or user with this name exists already.'),
  clockNotVirtual: ddm(
    409,
    'DDMJOBS.0412',
    'The clock is not virtual: start the server with --clock virtual to move it.',
  ),
  faultNotFound: ddm(404, 'DDMJOBS.0431', 'The fault rule is not found.'),
} as const satisfies Record<string, ErrorKind>;

export type ErrorName = keyof typeof ERRORS;

export interface DdmErrorBody {
  error_code: string;
  error_msg: string;
}

export interface GatewayErrorBody extends DdmErrorBody {
  request_id: string;
}

/**
 * The body for an error kind. `detail` is one clause naming the parameter and its rule, appended
 * to the message: `Parameter error. limit must be an integer from 1 to 128.`
 */
export function errorBody(
  kind: ErrorKind,
  requestId: string,
  detail?: string,
): DdmErrorBody | GatewayErrorBody {
  const error_msg = detail ? `${kind.message} ${detail}` : kind.message;
  return kind.gateway
    ? { error_code: kind.code, error_msg, request_id: requestId }
    : { error_code: kind.code, error_msg };
}

/** Keystone's error shape, which OpenStack clients parse on the identity routes. */
export interface KeystoneErrorBody {
  error: { code: number; title: string; message: string };
}

export function keystoneErrorBody(code: number, title: string, message: string): KeystoneErrorBody {
  return { error: { code, title, message } };
}
