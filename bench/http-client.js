/** The few plain requests the orchestrator makes itself: a token, a sample page. */
import { passwordToken } from '../scripts/password-token.js';
import { USER } from './seed.js';

/**
 * A real token: POST /v3/auth/tokens with the bench user's password, scoped to the project.
 *
 * @param {string} baseUrl
 * @param {string} projectId
 * @returns {Promise<string>}
 */
export const issueToken = (baseUrl, projectId) => passwordToken(baseUrl, USER, projectId);

/**
 * GET a path with the token; throws unless 200. Returns the body as text.
 *
 * @param {string} baseUrl
 * @param {string} path
 * @param {string} token
 * @returns {Promise<string>}
 */
export async function getText(baseUrl, path, token) {
  const response = await fetch(`${baseUrl}${path}`, { headers: { 'x-auth-token': token } });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}: ${text}`);
  return text;
}
