/** Entries kept at most; past it the cache starts afresh. */
const LIMIT = 10_000;

/**
 * What token checks read of their user on every request (its state and its roles on the token's
 * project), kept until the identities change. Each database says when that is: SQLite by its
 * `data_version`, PostgreSQL by a notification; both clear the cache then. `R` is what a read
 * gives: the subject, or (over the network) the promise of it, so that concurrent checks of one
 * user share one read.
 */
export interface SubjectCache<R> {
  get(userId: string, projectId: string | null): R;
  /** Forgets every entry: the identities changed. */
  clear(): void;
}

export function createSubjectCache<R>(
  read: (userId: string, projectId: string | null) => R,
): SubjectCache<R> {
  const entries = new Map<string, R>();
  return {
    get(userId, projectId) {
      const key = `${userId} ${projectId ?? ''}`;
      if (entries.has(key)) return entries.get(key) as R;
      if (entries.size >= LIMIT) entries.clear();
      const subject = read(userId, projectId);
      entries.set(key, subject);
      return subject;
    },
    clear() {
      entries.clear();
    },
  };
}
