import { isConfigurationError, isDdmApiError, isNetworkError, isTimeoutError } from '@ddm-jobs/client';

/** The IAM's 401 to a password sign-in, as the SDK codes Keystone's error body. */
const SIGN_IN_REFUSED = 'IAM.401';

/** What a refused sign-in most often means: one of these three is wrong or missing. */
export const SIGN_IN_HINT =
  "check the user name (OS_USERNAME), the password (OS_PASSWORD) and the user's domain " +
  '(OS_USER_DOMAIN_NAME or OS_USER_DOMAIN_ID; the Keystone default domain when neither), or ' +
  'their --os-* flags or clouds.yaml keys';

/**
 * The one line `ddm-jobs: ...` that main.ts prints for a failure of the service or the network
 * (exit 1). An API error shows its error_code and request id, which is what the cloud's support
 * asks for: `DBS.300379 The operation is not allowed for this type of tasks. (request id 1a2b...)`.
 * Undefined for anything else, which main.ts reports by its message.
 */
export function describeFailure(error: unknown): string | undefined {
  if (isDdmApiError(error)) {
    const id = error.requestId ? ` (request id ${error.requestId})` : '';
    const hint = error.errorCode === SIGN_IN_REFUSED ? `; ${SIGN_IN_HINT}` : '';
    return `${error.errorCode} ${error.errorMsg}${id}${hint}`;
  }
  if (isTimeoutError(error)) return `${error.message} (use --timeout to wait longer)`;
  // The SDK's message names the request and the cause (`GET URL: no answer (ECONNREFUSED)`).
  if (isNetworkError(error)) return `network error: ${error.message}`;
  return undefined;
}

/**
 * The SDK's ConfigurationError (options that cannot work, a token catalog without a DDM
 * endpoint) is the person's to fix, like a missing setting: exit 2.
 */
export const isUsageFailure = (error: unknown): boolean => isConfigurationError(error);
