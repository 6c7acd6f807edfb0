/**
 * The names of the last successful sign-in (domain, user, project), kept in localStorage so that
 * the form is filled in the next time, in any tab. Never the password or the token: those stay
 * out of localStorage, which outlives the tab.
 */
export interface LastSignIn {
  domain: string;
  user: string;
  project: string;
}

const KEY = 'ddm-jobs.console.last-sign-in';

export function rememberSignIn(names: LastSignIn): void {
  try {
    const { domain, user, project } = names;
    localStorage.setItem(KEY, JSON.stringify({ domain, user, project }));
  } catch {
    // Storage full or refused (a private window): the form is simply not filled next time.
  }
}

/** The last sign-in's names, or undefined when there is none or it is not one we wrote. */
export function lastSignIn(): LastSignIn | undefined {
  try {
    const value: unknown = JSON.parse(localStorage.getItem(KEY) ?? 'null');
    if (typeof value !== 'object' || value === null) return undefined;
    const v = value as Record<string, unknown>;
    if (typeof v.domain !== 'string' || typeof v.user !== 'string' || typeof v.project !== 'string')
      return undefined;
    return { domain: v.domain, user: v.user, project: v.project };
  } catch {
    return undefined;
  }
}
