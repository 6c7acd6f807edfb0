import type { Database } from 'better-sqlite3';
import type { TokenSubject } from '../records.js';

/** Entries kept at most; past it the cache starts afresh. */
const LIMIT = 10_000;

export interface SubjectCache {
  get(userId: string, projectId: string | null): TokenSubject | undefined;
  /** Called after every identity write through this connection. */
  forget(): void;
}

/**
 * Token checks read their user on every request; this keeps the answers until the identities
 * change. Changes through this connection clear it directly; changes by any other connection
 * to the file (another server process, `ddm-jobs iam`) show in `PRAGMA data_version`, which is
 * read on every lookup, so a disable or revoke still takes effect at once everywhere.
 */
export function createSubjectCache(
  db: Database,
  read: (userId: string, projectId: string | null) => TokenSubject | undefined,
): SubjectCache {
  const dataVersion = db.prepare('PRAGMA data_version').pluck();
  const entries = new Map<string, TokenSubject | undefined>();
  let seenVersion: unknown;
  return {
    get(userId, projectId) {
      const version = dataVersion.get();
      if (version !== seenVersion || entries.size >= LIMIT) {
        entries.clear();
        seenVersion = version;
      }
      const key = `${userId} ${projectId ?? ''}`;
      if (entries.has(key)) return entries.get(key);
      const subject = read(userId, projectId);
      entries.set(key, subject);
      return subject;
    },
    forget() {
      entries.clear();
    },
  };
}
