import type { PasswordAuth } from '@ddm-jobs/client';

/** How `emulator save` authenticates: a token as it is, or a password exchanged for one. */
export type ServiceSignIn = { token: string } | PasswordAuth;

/**
 * A project-scoped token for the internal API: a given token as it is, or one issued for the
 * password by `POST {authUrl}/auth/tokens` (Keystone v3; `default` for a domain not given).
 * The password is sent to the IAM only, never printed, even in an error.
 */
export async function serviceToken(signIn: ServiceSignIn): Promise<string> {
  if ('token' in signIn) return signIn.token;
  const userDomain = signIn.userDomainId
    ? { id: signIn.userDomainId }
    : { name: signIn.userDomainName ?? 'default' };
  const projectDomain = signIn.projectDomainId
    ? { id: signIn.projectDomainId }
    : signIn.projectDomainName
      ? { name: signIn.projectDomainName }
      : userDomain;
  const project = signIn.projectId
    ? { id: signIn.projectId }
    : { name: signIn.projectName ?? 'default', domain: projectDomain };
  const url = `${signIn.authUrl.replace(/\/+$/, '').replace(/\/v3$/, '')}/v3/auth/tokens`;
  const response = await reach(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: {
          methods: ['password'],
          password: { user: { name: signIn.username, domain: userDomain, password: signIn.password } },
        },
        scope: { project },
      },
    }),
  });
  const token = response.headers.get('x-subject-token');
  if (!response.ok || !token)
    throw new Error(
      `signing in as ${signIn.username} at ${url} failed: ${failureOf(response, await response.text())}`,
    );
  return token;
}

/** An error answer in the house format (`error_code`, `error_msg`), or its status. */
export function failureOf(response: Response, text: string): string {
  try {
    const body = JSON.parse(text) as { error_code?: unknown; error_msg?: unknown };
    if (typeof body.error_code === 'string') return `${response.status} ${body.error_code} ${body.error_msg}`;
  } catch {
    // not JSON: the status says enough
  }
  return `${response.status} ${response.statusText}`;
}

/** fetch, with a refused or unreachable address said in words (fetch says only "fetch failed"). */
export async function reach(url: string | URL, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new Error(`cannot reach ${url}: ${cause?.code ?? cause?.message ?? (error as Error).message}`);
  }
}
