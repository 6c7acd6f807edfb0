import type { HttpRequest } from '../request.js';

/** Password credentials for an IAM (Keystone v3): the client gets project tokens and renews them. */
export interface PasswordAuth {
  /** The Keystone v3 base, with or without `/v3`: `https://iam.eu-de.otc.t-systems.com/v3`. */
  authUrl: string;
  username: string;
  password: string;
  /** The user's domain by name (on Open Telekom Cloud, the account name). */
  userDomainName?: string;
  /** The user's domain by id; when neither is given, `default` (Keystone's default domain id). */
  userDomainId?: string;
  /** The project to scope to by id; else `projectName`, else the client's `projectId`. */
  projectId?: string;
  /** The project to scope to by name, in `projectDomainName` (by default the user's domain). */
  projectName?: string;
  projectDomainName?: string;
  projectDomainId?: string;
}

/**
 * How the client authenticates: an IAM token (a string or `{ token }`, sent as X-Auth-Token),
 * password credentials, or an access-key pair that signs every request `SDK-HMAC-SHA256`.
 */
export type Auth =
  | string
  | { token: string }
  | { password: PasswordAuth }
  | { accessKey: string; secretKey: string };

/** One way of authenticating, as the request layer uses it. */
export interface Authenticator {
  /** The headers that authenticate one attempt (per attempt: a signature carries its time). */
  headers(request: HttpRequest, signal?: AbortSignal): Promise<Record<string, string>>;
  /**
   * After 401 APIGW.0307 (token expired) to an attempt sent with `sent` headers: forgets that
   * credential and answers whether a fresh one can be had, so that sending once more may succeed.
   */
  discard(sent: Record<string, string>): boolean;
  /** The project id the credentials name, when the configuration did not (password by name). */
  projectId?(signal?: AbortSignal): Promise<string>;
  /** The DDM endpoint of the token's catalog, when the configuration gave none. */
  endpoint?(signal?: AbortSignal): Promise<string>;
}
