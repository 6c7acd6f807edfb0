/**
 * A token by Keystone's password method, scoped to a project by id, as every client signs in:
 * the one sign-in of the bench, the crash test and the soak. Throws unless 201 with a token.
 *
 * @example const token = await passwordToken('http://127.0.0.1:8080', { name: 'admin', password }, projectId);
 * @param {string} baseUrl
 * @param {{ name: string; password: string; domain?: string }} user The domain is 'default' unless named.
 * @param {string} projectId
 * @param {{ signal?: AbortSignal }} [options]
 * @returns {Promise<string>}
 */
export async function passwordToken(baseUrl, user, projectId, options = {}) {
  const response = await fetch(`${baseUrl}/v3/auth/tokens?nocatalog`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: {
          methods: ['password'],
          password: {
            user: { name: user.name, domain: { name: user.domain ?? 'default' }, password: user.password },
          },
        },
        scope: { project: { id: projectId } },
      },
    }),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const text = await response.text();
  const token = response.headers.get('x-subject-token');
  if (response.status !== 201 || !token)
    throw new Error(`sign-in of ${user.name} answered ${response.status}: ${text.slice(0, 200)}`);
  return token;
}
