/** The `X-Auth-Token` header, if sent once; a repeated header is no token at all. */
export const authToken = (headers: Record<string, string | string[] | undefined>): string | undefined => {
  const value = headers['x-auth-token'];
  return typeof value === 'string' ? value : undefined;
};
