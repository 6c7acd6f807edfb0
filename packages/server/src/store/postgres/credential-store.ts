import type pg from 'pg';
import type { CredentialStore } from '../interfaces.js';
import { CREDENTIAL_COLUMNS, type CredentialRow, toCredential } from '../rows/identity-rows.js';
import { transaction, unstorable } from './pool.js';

/** The access keys of the PostgreSQL store, with the failed-signature counts that lock them. */
export function createPostgresCredentialStore(pool: pg.Pool): CredentialStore {
  return {
    async createCredential(c) {
      await pool.query(
        'INSERT INTO credentials (access_key, user_id, sealed_secret, enabled, created_at) VALUES ($1, $2, $3, $4, $5)',
        [c.accessKey, c.userId, c.sealedSecret, c.enabled, c.createdAt],
      );
    },
    async listCredentials(filter) {
      const result =
        filter.userId === undefined
          ? await pool.query<CredentialRow>(
              `SELECT ${CREDENTIAL_COLUMNS} FROM credentials ORDER BY user_id, created_at, access_key`,
            )
          : await pool.query<CredentialRow>(
              `SELECT ${CREDENTIAL_COLUMNS} FROM credentials WHERE user_id = $1 ORDER BY created_at, access_key`,
              [filter.userId],
            );
      return result.rows.map(toCredential);
    },
    async findCredential(accessKey) {
      if (unstorable(accessKey)) return undefined;
      const result = await pool.query<CredentialRow>({
        name: 'credential-by-key',
        text: `SELECT ${CREDENTIAL_COLUMNS} FROM credentials WHERE access_key = $1`,
        values: [accessKey],
      });
      const row = result.rows[0];
      return row && toCredential(row);
    },
    async setCredentialEnabled(accessKey, enabled) {
      if (unstorable(accessKey)) return false;
      const result = await pool.query('UPDATE credentials SET enabled = $2 WHERE access_key = $1', [
        accessKey,
        enabled,
      ]);
      return (result.rowCount ?? 0) > 0;
    },
    async deleteCredential(accessKey) {
      if (unstorable(accessKey)) return false;
      const result = await pool.query('DELETE FROM credentials WHERE access_key = $1', [accessKey]);
      return (result.rowCount ?? 0) > 0;
    },
    async resealCredentials(reseal) {
      return transaction(pool, async (client) => {
        const { rows } = await client.query<{ access_key: string; sealed_secret: Buffer }>(
          'SELECT access_key, sealed_secret FROM credentials ORDER BY access_key FOR UPDATE',
        );
        for (const row of rows) {
          await client.query('UPDATE credentials SET sealed_secret = $2 WHERE access_key = $1', [
            row.access_key,
            reseal(row.access_key, row.sealed_secret),
          ]);
        }
        return rows.length;
      });
    },
    async recordSignatureFailure(accessKey, now, policy) {
      if (unstorable(accessKey)) return;
      await transaction(pool, async (client) => {
        // The key's row lock makes nodes count one key's failures one at a time, none missed.
        const found = await client.query('SELECT 1 FROM credentials WHERE access_key = $1 FOR UPDATE', [
          accessKey,
        ]);
        if (found.rowCount === 0) return;
        await client.query('DELETE FROM credential_failures WHERE access_key = $1 AND failed_at <= $2', [
          accessKey,
          now - policy.windowMs,
        ]);
        await client.query('INSERT INTO credential_failures VALUES ($1, $2)', [accessKey, now]);
        const counted = await client.query<{ n: number }>(
          'SELECT count(*) AS n FROM credential_failures WHERE access_key = $1',
          [accessKey],
        );
        if ((counted.rows[0]?.n ?? 0) > policy.maxFailures) {
          // The lock starts a new count: its end does not meet the failures that caused it.
          await client.query('UPDATE credentials SET locked_until = $2 WHERE access_key = $1', [
            accessKey,
            now + policy.lockMs,
          ]);
          await client.query('DELETE FROM credential_failures WHERE access_key = $1', [accessKey]);
        }
      });
    },
  };
}
