/**
 * An error answer to the console's own request (the sign-in, which needs the token's body and
 * headers), with the same fields as the SDK's DdmApiError so that one description fits both.
 */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly status: number,
    readonly errorCode: string,
    readonly errorMsg: string,
  ) {
    super(`${errorCode} ${errorMsg} (HTTP ${status})`);
  }
}

/** The error an answer carries: DDM's `{error_code, error_msg}` or Keystone's `{error: {code, message}}`. */
export async function readHttpError(response: Response): Promise<HttpError> {
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  const b = (body ?? {}) as { error_code?: unknown; error_msg?: unknown; error?: { message?: unknown } };
  if (typeof b.error_code === 'string' && typeof b.error_msg === 'string')
    return new HttpError(response.status, b.error_code, b.error_msg);
  if (typeof b.error?.message === 'string')
    return new HttpError(response.status, `IAM.${response.status}`, b.error.message);
  return new HttpError(response.status, `HTTP.${response.status}`, response.statusText || 'Request failed');
}
