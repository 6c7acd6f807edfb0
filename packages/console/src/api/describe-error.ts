/** Fields shared by the SDK's DdmApiError and the console's HttpError; told apart by `name`. */
interface ApiErrorLike {
  name: 'DdmApiError' | 'HttpError';
  status: number;
  errorCode: string;
  errorMsg: string;
}

function isApiError(error: unknown): error is ApiErrorLike {
  const name = (error as { name?: unknown } | null)?.name;
  return (
    (name === 'DdmApiError' || name === 'HttpError') && typeof (error as ApiErrorLike).status === 'number'
  );
}

/** A 401: the token expired or was revoked, so the session is over. */
export function isUnauthorized(error: unknown): boolean {
  return isApiError(error) && error.status === 401;
}

export function isAbort(error: unknown): boolean {
  return (error as { name?: unknown } | null)?.name === 'AbortError';
}

/** A sentence for people, from any error a call may end with. */
export function describeError(error: unknown): string {
  if (isApiError(error)) {
    if (error.status === 429) return 'Too many requests. Wait a moment and try again.';
    if (error.status === 503) return 'The service is unavailable for a moment. Try again shortly.';
    return `${error.errorMsg} (${error.errorCode})`;
  }
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'NetworkError' || (error instanceof TypeError && /fetch|network/i.test(error.message)))
    return 'The server cannot be reached. Check the connection and try again.';
  if (name === 'TimeoutError') return 'The server did not answer in time. Try again.';
  return error instanceof Error ? error.message : String(error);
}
