import type { Database } from 'better-sqlite3';
import type { CredentialStore } from '../interfaces.js';
import { CREDENTIAL_COLUMNS, type CredentialRow, toCredential } from '../rows/identity-rows.js';

/** The access keys of the SQLite store, with the failed-signature counts that lock them. */
export function createSqliteCredentialStore(db: Database): CredentialStore {
  const s = {
    insert: db.prepare(
      'INSERT INTO credentials (access_key, user_id, sealed_secret, enabled, created_at) VALUES (?, ?, ?, ?, ?)',
    ),
    all: db.prepare(`SELECT ${CREDENTIAL_COLUMNS} FROM credentials ORDER BY user_id, created_at, access_key`),
    ofUser: db.prepare(
      `SELECT ${CREDENTIAL_COLUMNS} FROM credentials WHERE user_id = ? ORDER BY created_at, access_key`,
    ),
    find: db.prepare(`SELECT ${CREDENTIAL_COLUMNS} FROM credentials WHERE access_key = ?`),
    setEnabled: db.prepare('UPDATE credentials SET enabled = ? WHERE access_key = ?'),
    delete: db.prepare('DELETE FROM credentials WHERE access_key = ?'),
    reseal: db.prepare('UPDATE credentials SET sealed_secret = ? WHERE access_key = ?'),
    forget: db.prepare('DELETE FROM credential_failures WHERE access_key = ? AND failed_at <= ?'),
    fail: db.prepare(
      'INSERT INTO credential_failures SELECT access_key, ? FROM credentials WHERE access_key = ?',
    ),
    count: db.prepare('SELECT count(*) FROM credential_failures WHERE access_key = ?').pluck(),
    lock: db.prepare('UPDATE credentials SET locked_until = ? WHERE access_key = ?'),
    clear: db.prepare('DELETE FROM credential_failures WHERE access_key = ?'),
  };
  const reseal = db.transaction((change: (accessKey: string, sealed: Buffer) => Buffer) => {
    const rows = s.all.all() as CredentialRow[];
    for (const row of rows) s.reseal.run(change(row.access_key, row.sealed_secret), row.access_key);
    return rows.length;
  });
  const fail = db.transaction(
    (accessKey: string, now: number, windowMs: number, maxFailures: number, lockMs: number) => {
      s.forget.run(accessKey, now - windowMs);
      s.fail.run(now, accessKey);
      if ((s.count.get(accessKey) as number) > maxFailures) {
        s.lock.run(now + lockMs, accessKey);
        // The lock starts a new count: its end does not meet the failures that caused it.
        s.clear.run(accessKey);
      }
    },
  );
  return {
    async createCredential(c) {
      s.insert.run(c.accessKey, c.userId, c.sealedSecret, c.enabled ? 1 : 0, c.createdAt);
    },
    async listCredentials(filter) {
      const rows = (
        filter.userId === undefined ? s.all.all() : s.ofUser.all(filter.userId)
      ) as CredentialRow[];
      return rows.map(toCredential);
    },
    async findCredential(accessKey) {
      const row = s.find.get(accessKey) as CredentialRow | undefined;
      return row && toCredential(row);
    },
    async setCredentialEnabled(accessKey, enabled) {
      return s.setEnabled.run(enabled ? 1 : 0, accessKey).changes > 0;
    },
    async deleteCredential(accessKey) {
      return s.delete.run(accessKey).changes > 0;
    },
    async resealCredentials(change) {
      return reseal.immediate(change);
    },
    async recordSignatureFailure(accessKey, now, policy) {
      fail.immediate(accessKey, now, policy.windowMs, policy.maxFailures, policy.lockMs);
    },
  };
}
