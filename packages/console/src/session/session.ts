/**
 * The signed-in user's session, kept in sessionStorage only: it lives as long as the tab, is
 * not shared with other tabs, and never appears in a URL.
 */
export interface Session {
  /** The IAM token, sent as X-Auth-Token. */
  token: string;
  projectId: string;
  /** The token's expires_at, as the IAM wrote it. */
  expiresAt: string;
  user: string;
  domain: string;
  project: string;
  /**
   * The server's clock minus this browser's, measured at sign-in from the token's issued_at:
   * time windows and the token's expiry are reckoned on the server's clock, which may differ
   * from the browser's (a virtual clock, or a machine whose clock is off).
   */
  clockOffsetMs: number;
  /** Whether the user's roles on the project let it act on tasks: else no action is offered. */
  mayAct: boolean;
}

const KEY = 'ddm-jobs.console.session';

export function saveSession(session: Session): void {
  sessionStorage.setItem(KEY, JSON.stringify(session));
}

export function clearSession(): void {
  sessionStorage.removeItem(KEY);
}

/** The stored session, or undefined when there is none or it is not one we wrote. */
export function loadSession(): Session | undefined {
  let value: unknown;
  try {
    value = JSON.parse(sessionStorage.getItem(KEY) ?? 'null');
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  const strings = ['token', 'projectId', 'expiresAt', 'user', 'domain', 'project'] as const;
  if (
    !strings.every((k) => typeof v[k] === 'string') ||
    typeof v.clockOffsetMs !== 'number' ||
    typeof v.mayAct !== 'boolean'
  )
    return undefined;
  return value as Session;
}

/** Now on the server's clock, as far as this browser can tell. */
export function serverNow(session: Session): number {
  return Date.now() + session.clockOffsetMs;
}

/** Milliseconds until the token expires (0 or less: expired). */
export function msUntilExpiry(session: Session): number {
  const expires = parseKeystoneTime(session.expiresAt);
  return expires === undefined ? 0 : expires - serverNow(session);
}

/** Keystone's `2026-01-02T00:00:00.000000Z` (any number of fraction digits) in epoch ms. */
export function parseKeystoneTime(text: string): number | undefined {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})$/.exec(text);
  if (!m) return undefined;
  const ms = Date.parse(`${m[1]}.${(m[2] ?? '').padEnd(3, '0').slice(0, 3)}${m[3]}`);
  return Number.isNaN(ms) ? undefined : ms;
}
