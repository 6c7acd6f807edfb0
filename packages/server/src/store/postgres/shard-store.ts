import type pg from 'pg';
import {
  CONTROL_PLANE,
  type InventoryRow,
  inventoryDocument,
  REQUEST_COLUMNS,
  type RequestRow,
  shardRequestValues,
  toInventory,
  toShardRequest,
} from '../rows/shard-rows.js';
import { shardRequestView } from '../shard-records.js';
import type { ShardStore } from '../shard-store.js';
import { appendEntry } from './job-events.js';
import type { FeedAnnouncer } from './notifications.js';
import { retryingAborted, unstorable } from './pool.js';

/**
 * Inventories and shard-change requests on PostgreSQL. A request and its feed entry are one
 * statement, under the writers' shared lock as every feed writer (so the emulator's reset orders
 * it), announced to the other nodes once committed.
 */
export function createPostgresShardStore(
  pool: pg.Pool,
  sharedWritersLock: string,
  announcer: FeedAnnouncer,
): ShardStore {
  const insertColumns = `id, kind, project_id, instance_id, database_name, created_at, body, results,
    sealed_accounts, answered_at`;
  const insertValues = '$1, $2, $3, $4, $5, $6, $7, $8, $9, $10';
  const recordAnnounced = `WITH ${sharedWritersLock},
inserted AS (INSERT INTO shard_requests (${insertColumns}) SELECT ${insertValues} FROM writer RETURNING id),
${appendEntry('inserted', {
  project: `'${CONTROL_PLANE}'`,
  jobId: 'entries.id',
  type: "'requested'",
  at: '$11::bigint',
  job: '$12::text',
})}`;
  const recordQuiet = `INSERT INTO shard_requests (${insertColumns}) VALUES (${insertValues})`;

  const rows = (result: pg.QueryResult<RequestRow>) => result.rows.map(toShardRequest);
  return {
    async putInventory(inventory) {
      await pool.query({
        name: 'inventory-put',
        text: `INSERT INTO shard_inventory (project_id, instance_id, document, updated_at) VALUES ($1, $2, $3, $4)
               ON CONFLICT (project_id, instance_id) DO UPDATE SET document = excluded.document,
                 updated_at = excluded.updated_at`,
        values: [
          inventory.projectId,
          inventory.instanceId,
          inventoryDocument(inventory),
          inventory.updatedAt,
        ],
      });
    },
    async getInventory(projectId, instanceId) {
      if (unstorable(projectId, instanceId)) return undefined;
      const result = await pool.query<InventoryRow>({
        name: 'inventory-get',
        text: 'SELECT document FROM shard_inventory WHERE project_id = $1 AND instance_id = $2',
        values: [projectId, instanceId],
        rowMode: 'array',
      });
      const row = result.rows[0];
      return row && toInventory(row);
    },
    async recordShardRequest(request, announced, now) {
      const values = shardRequestValues(request);
      if (!announced) {
        await pool.query({ name: 'shard-request-quiet', text: recordQuiet, values });
        return;
      }
      await retryingAborted(() =>
        pool.query({
          name: 'shard-request-announced',
          text: recordAnnounced,
          values: [...values, now, JSON.stringify(shardRequestView(request))],
        }),
      );
      announcer.announce();
    },
    async getShardRequest(id) {
      if (unstorable(id)) return undefined;
      const result = await pool.query<RequestRow>({
        name: 'shard-request',
        text: `SELECT ${REQUEST_COLUMNS} FROM shard_requests WHERE id = $1`,
        values: [id],
        rowMode: 'array',
      });
      return rows(result)[0];
    },
    async shardRequestsOf(projectId, instanceId, databaseName, kind, limit) {
      if (unstorable(projectId, instanceId, databaseName)) return [];
      const result = await pool.query<RequestRow>({
        name: 'shard-requests-of',
        text: `SELECT ${REQUEST_COLUMNS} FROM shard_requests
               WHERE project_id = $1 AND instance_id = $2 AND kind = $3 AND ($4::text IS NULL OR database_name = $4)
               ORDER BY created_at DESC, id DESC LIMIT $5`,
        values: [projectId, instanceId, kind, databaseName ?? null, limit],
        rowMode: 'array',
      });
      return rows(result);
    },
    async pendingPreChecks(limit) {
      const result = await pool.query<RequestRow>({
        name: 'shard-prechecks-pending',
        text: `SELECT ${REQUEST_COLUMNS} FROM shard_requests WHERE answered_at IS NULL AND kind = 'precheck'
               ORDER BY created_at, id LIMIT $1`,
        values: [limit],
        rowMode: 'array',
      });
      return rows(result);
    },
    async answerPreCheck(id, results, now) {
      if (unstorable(id)) return false;
      const result = await pool.query({
        name: 'shard-precheck-answer',
        text: `UPDATE shard_requests SET results = $1, answered_at = $2, sealed_accounts = NULL
               WHERE id = $3 AND kind = 'precheck' AND answered_at IS NULL`,
        values: [JSON.stringify(results), now, id],
      });
      return result.rowCount === 1;
    },
    async takeSealedAccounts(id) {
      if (unstorable(id)) return undefined;
      // The old value, read under the row's lock by the update itself: two callers never both get it.
      const result = await pool.query<[Buffer | null]>({
        name: 'shard-accounts-take',
        text: `UPDATE shard_requests r SET sealed_accounts = NULL
               FROM (SELECT id, sealed_accounts FROM shard_requests WHERE id = $1 FOR UPDATE) old
               WHERE r.id = old.id AND old.sealed_accounts IS NOT NULL RETURNING old.sealed_accounts`,
        values: [id],
        rowMode: 'array',
      });
      return result.rows[0]?.[0] ?? undefined;
    },
    async resetShards() {
      await pool.query('DELETE FROM shard_inventory; DELETE FROM shard_requests;');
    },
  };
}
