/**
 * The SDK's error family, after ky's: one class per way a call fails, each with a fixed `name`
 * so that the type guards below work across realms and across two copies of the bundle, where
 * `instanceof` would not.
 */

/**
 * The service (or the IAM, or a gateway) answered with an error status. `errorCode` and
 * `errorMsg` are the body's `error_code` and `error_msg`; Keystone's `{error: {code, message}}`
 * becomes `IAM.<code>`; a body of neither shape (a proxy's HTML page) becomes `HTTP.<status>`.
 *
 * @example
 * try { await client.getJob(id) } catch (e) { if (isDdmApiError(e) && e.status === 404) ... }
 */
export class DdmApiError extends Error {
  override readonly name = 'DdmApiError' as const;
  constructor(
    /** The HTTP status. */
    readonly status: number,
    readonly errorCode: string,
    readonly errorMsg: string,
    /** The `X-Request-Id` header (or the body's `request_id`): quote it when asking for help. */
    readonly requestId: string | undefined,
    /** The parsed body, or its text when it is not JSON. */
    readonly body: unknown,
    /** When the answer said to try again later (`Retry-After`), in how many milliseconds. */
    readonly retryAfterMs?: number,
  ) {
    super(`${errorCode} ${errorMsg} (HTTP ${status}${requestId ? `, request id ${requestId}` : ''})`);
  }
}

/**
 * The request did not get an answer: the host is unknown, refused the connection, or the
 * connection broke. `cause` is what `fetch` threw.
 *
 * @example
 * catch (e) { if (isNetworkError(e)) console.error('is the endpoint right?', e.cause) }
 */
export class NetworkError extends Error {
  override readonly name = 'NetworkError' as const;
  constructor(
    message: string,
    override readonly cause: unknown,
  ) {
    super(message);
  }
}

/**
 * No answer within `timeoutMs`: one attempt of a request (`timeoutMs` of the client or of the
 * call), or `waitForJob` as a whole.
 *
 * @example
 * catch (e) { if (isTimeoutError(e)) console.error(`no answer in ${e.timeoutMs} ms`) }
 */
export class TimeoutError extends Error {
  override readonly name = 'TimeoutError' as const;
  constructor(
    message: string,
    readonly timeoutMs: number,
  ) {
    super(message);
  }
}

/**
 * The client cannot work with what it was given: options that are missing or contradict each
 * other, or a token catalog without a DDM endpoint. Raised before anything is sent.
 *
 * @example
 * catch (e) { if (isConfigurationError(e)) process.exitCode = 2 }
 */
export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError' as const;
}

/**
 * The server ended an event stream because the credential that opened it no longer reaches the
 * project (ddm-jobs re-checks it every 2 seconds while the stream is open). `reason` is
 * `token_expired` (the token's lifetime is over: a client signing in with a password may connect
 * again, with a new token), `credentials_revoked` (the user was disabled or deleted, its password
 * changed, or the access key disabled or deleted) or `access_revoked` (no role left on the
 * project); a reason this SDK does not know yet comes as it is. Connecting again with the same
 * credential would be refused (401 or 403): do not retry it in a loop.
 *
 * @example
 * catch (e) { if (isStreamEndedError(e)) console.error(`stream ended: ${e.reason}`) }
 */
export class StreamEndedError extends Error {
  override readonly name = 'StreamEndedError' as const;
  constructor(
    readonly reason: string,
    /** The stream's `X-Request-Id`: quote it when asking for help. */
    readonly requestId: string | undefined,
  ) {
    super(`The server ended the stream: ${reason}${requestId ? ` (request id ${requestId})` : ''}`);
  }
}

const named = (value: unknown, name: string): boolean =>
  typeof value === 'object' && value !== null && (value as { name?: unknown }).name === name;

/**
 * Whether `e` is a DdmApiError, judged by its `name`.
 *
 * @example if (isDdmApiError(e) && e.errorCode === 'DBS.300379') console.log('not allowed now')
 */
export const isDdmApiError = (e: unknown): e is DdmApiError => named(e, 'DdmApiError');

/**
 * Whether `e` is a NetworkError, judged by its `name`.
 *
 * @example if (isNetworkError(e)) console.error(e.message)
 */
export const isNetworkError = (e: unknown): e is NetworkError => named(e, 'NetworkError');

/**
 * Whether `e` is a TimeoutError, judged by its `name`.
 *
 * @example if (isTimeoutError(e)) console.error(e.timeoutMs)
 */
export const isTimeoutError = (e: unknown): e is TimeoutError => named(e, 'TimeoutError');

/**
 * Whether `e` is a ConfigurationError, judged by its `name`.
 *
 * @example if (isConfigurationError(e)) console.error(e.message)
 */
export const isConfigurationError = (e: unknown): e is ConfigurationError => named(e, 'ConfigurationError');

/**
 * Whether `e` is a StreamEndedError, judged by its `name`.
 *
 * @example if (isStreamEndedError(e) && e.reason === 'token_expired') signInAgain()
 */
export const isStreamEndedError = (e: unknown): e is StreamEndedError => named(e, 'StreamEndedError');

/**
 * The error an HTTP error answer stands for: DDM's and the gateway's `{error_code, error_msg}`,
 * Keystone's `{error: {code, title, message}}`, or anything else.
 *
 * @example apiErrorFrom(401, '{"error":{"code":401,"message":"..."}}', 'req-1').errorCode // 'IAM.401'
 */
export function apiErrorFrom(
  status: number,
  text: string,
  requestIdHeader: string | null,
  retryAfterMs?: number,
): DdmApiError {
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: kept as text.
  }
  const record = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const bodyRequestId = typeof record.request_id === 'string' ? record.request_id : undefined;
  const requestId = requestIdHeader ?? bodyRequestId;
  if (typeof record.error_code === 'string') {
    const message = typeof record.error_msg === 'string' ? record.error_msg : '';
    return new DdmApiError(status, record.error_code, message, requestId, body, retryAfterMs);
  }
  const keystone = record.error as { code?: unknown; message?: unknown; title?: unknown } | undefined;
  if (typeof keystone === 'object' && keystone !== null) {
    const code = typeof keystone.code === 'number' ? keystone.code : status;
    const message =
      typeof keystone.message === 'string'
        ? keystone.message
        : typeof keystone.title === 'string'
          ? keystone.title
          : '';
    return new DdmApiError(status, `IAM.${code}`, message, requestId, body, retryAfterMs);
  }
  const excerpt = text.trim().slice(0, 200);
  return new DdmApiError(
    status,
    `HTTP.${status}`,
    excerpt || `HTTP status ${status}`,
    requestId,
    body,
    retryAfterMs,
  );
}
