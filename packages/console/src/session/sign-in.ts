import { HttpError, readHttpError } from '../api/http-error.js';
import { mayActWith } from './may-act.js';
import { parseKeystoneTime, type Session } from './session.js';

export interface Credentials {
  user: string;
  password: string;
  /** The IAM domain that holds the user; the project is looked up by name in the same domain. */
  domain: string;
  project: string;
}

/** The parts of Keystone's token body the console reads. */
interface TokenAnswer {
  token?: {
    expires_at?: unknown;
    issued_at?: unknown;
    project?: { id?: unknown; name?: unknown };
    roles?: { name?: unknown }[];
  };
}

/**
 * Password to token through the IAM API of this server (`POST /v3/auth/tokens?nocatalog`),
 * scoped to the project by name within the user's domain.
 */
export async function signIn(credentials: Credentials): Promise<Session> {
  const sentAt = Date.now();
  const response = await fetch('/v3/auth/tokens?nocatalog', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    cache: 'no-store',
    body: JSON.stringify({
      auth: {
        identity: {
          methods: ['password'],
          password: {
            user: {
              name: credentials.user,
              password: credentials.password,
              domain: { name: credentials.domain },
            },
          },
        },
        scope: { project: { name: credentials.project, domain: { name: credentials.domain } } },
      },
    }),
  });
  if (response.status !== 201) throw await readHttpError(response);
  const receivedAt = Date.now();
  const token = response.headers.get('x-subject-token');
  const body = (await response.json()) as TokenAnswer;
  const expiresAt = body.token?.expires_at;
  const issuedAt =
    typeof body.token?.issued_at === 'string' ? parseKeystoneTime(body.token.issued_at) : undefined;
  const projectId = body.token?.project?.id;
  if (!token || typeof expiresAt !== 'string' || typeof projectId !== 'string' || issuedAt === undefined)
    throw new HttpError(
      response.status,
      'CONSOLE.TOKEN',
      'The sign-in answer is not a project-scoped token.',
    );
  const roles = (Array.isArray(body.token?.roles) ? body.token.roles : []).flatMap((role) =>
    typeof role?.name === 'string' ? [role.name] : [],
  );
  return {
    token,
    projectId,
    expiresAt,
    user: credentials.user,
    domain: credentials.domain,
    project: typeof body.token?.project?.name === 'string' ? body.token.project.name : credentials.project,
    // The token was issued somewhere between sending and receiving: take the middle.
    clockOffsetMs: Math.round(issuedAt - (sentAt + receivedAt) / 2),
    mayAct: await mayActWith(roles),
  };
}

/** What to tell the user when a sign-in fails. */
export function signInFailure(error: unknown): string | undefined {
  if (!(error instanceof HttpError)) return undefined;
  // Keystone gives one answer for every way a password sign-in fails, so names cannot be probed.
  if (error.status === 401) return 'Sign-in failed: the user name, password, domain or project is not right.';
  if (error.status === 404) return 'This server offers no sign-in (its tokens come from another IAM).';
  if (error.status === 400) return `Sign-in failed: ${error.errorMsg}`;
  return undefined;
}
