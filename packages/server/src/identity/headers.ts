/** The `X-Auth-Token` header, if sent once; a repeated header is no token at all. */
export const authToken = (headers: Record<string, string | string[] | undefined>): string | undefined => {
  const value = headers['x-auth-token'];
  return typeof value === 'string' ? value : undefined;
};

/**
 * The `X-Project-Id` header the official SDKs send: undefined when absent, null when repeated
 * (which names no one project).
 */
export const declaredProjectId = (
  headers: Record<string, string | string[] | undefined>,
): string | null | undefined => {
  const value = headers['x-project-id'];
  return value === undefined || typeof value === 'string' ? value : null;
};
