/** The few plain requests the orchestrator makes itself: a token, a sample page. */
import { USER } from './seed.js';

/** A real token: POST /v3/auth/tokens with the bench user's password, scoped to the project. */
export async function issueToken(baseUrl, projectId) {
  const response = await fetch(`${baseUrl}/v3/auth/tokens?nocatalog`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: {
          methods: ['password'],
          password: { user: { name: USER.name, domain: { name: 'default' }, password: USER.password } },
        },
        scope: { project: { id: projectId } },
      },
    }),
  });
  const token = response.headers.get('x-subject-token');
  if (response.status !== 201 || !token) {
    throw new Error(`POST /v3/auth/tokens answered ${response.status}: ${await response.text()}`);
  }
  return token;
}

/** GET a path with the token; throws unless 200. Returns the body as text. */
export async function getText(baseUrl, path, token) {
  const response = await fetch(`${baseUrl}${path}`, { headers: { 'x-auth-token': token } });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}: ${text}`);
  return text;
}
