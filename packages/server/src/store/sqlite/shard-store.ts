import type { Database } from 'better-sqlite3';
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

/** Inventories and shard-change requests on SQLite; a request and its feed entry in one transaction. */
export function createSqliteShardStore(db: Database): ShardStore {
  const putInventory = db.prepare(
    `INSERT INTO shard_inventory (project_id, instance_id, document, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (project_id, instance_id) DO UPDATE SET document = excluded.document, updated_at = excluded.updated_at`,
  );
  const getInventory = db
    .prepare('SELECT document FROM shard_inventory WHERE project_id = ? AND instance_id = ?')
    .raw();
  const insert = db.prepare(
    `INSERT INTO shard_requests (id, kind, project_id, instance_id, database_name, created_at, body, results,
       sealed_accounts, answered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const announce = db.prepare(
    `INSERT INTO job_events (project_id, job_id, type, at, job) VALUES ('${CONTROL_PLANE}', ?, 'requested', ?, ?)`,
  );
  const byId = db.prepare(`SELECT ${REQUEST_COLUMNS} FROM shard_requests WHERE id = ?`).raw();
  const ofInstance = db
    .prepare(
      `SELECT ${REQUEST_COLUMNS} FROM shard_requests
       WHERE project_id = ? AND instance_id = ? AND kind = ? AND (? IS NULL OR database_name = ?)
       ORDER BY created_at DESC, id DESC LIMIT ?`,
    )
    .raw();
  const pending = db
    .prepare(
      `SELECT ${REQUEST_COLUMNS} FROM shard_requests WHERE answered_at IS NULL AND kind = 'precheck'
       ORDER BY created_at, id LIMIT ?`,
    )
    .raw();
  const answer = db.prepare(
    `UPDATE shard_requests SET results = ?, answered_at = ?, sealed_accounts = NULL
     WHERE id = ? AND kind = 'precheck' AND answered_at IS NULL`,
  );
  const sealedOf = db.prepare('SELECT sealed_accounts FROM shard_requests WHERE id = ?').pluck();
  const dropSealed = db.prepare('UPDATE shard_requests SET sealed_accounts = NULL WHERE id = ?');
  const record = db.transaction(
    (request: Parameters<ShardStore['recordShardRequest']>[0], announced: boolean, now: number) => {
      insert.run(...shardRequestValues(request));
      if (announced) announce.run(request.id, now, JSON.stringify(shardRequestView(request)));
    },
  );
  const take = db.transaction((id: string): Buffer | undefined => {
    const sealed = sealedOf.get(id) as Buffer | null | undefined;
    if (!sealed) return undefined;
    dropSealed.run(id);
    return sealed;
  });
  return {
    async putInventory(inventory) {
      putInventory.run(
        inventory.projectId,
        inventory.instanceId,
        inventoryDocument(inventory),
        inventory.updatedAt,
      );
    },
    async getInventory(projectId, instanceId) {
      const row = getInventory.get(projectId, instanceId) as InventoryRow | undefined;
      return row && toInventory(row);
    },
    async recordShardRequest(request, announced, now) {
      record(request, announced, now);
    },
    async getShardRequest(id) {
      const row = byId.get(id) as RequestRow | undefined;
      return row && toShardRequest(row);
    },
    async shardRequestsOf(projectId, instanceId, databaseName, kind, limit) {
      const name = databaseName ?? null;
      return (ofInstance.all(projectId, instanceId, kind, name, name, limit) as RequestRow[]).map(
        toShardRequest,
      );
    },
    async pendingPreChecks(limit) {
      return (pending.all(limit) as RequestRow[]).map(toShardRequest);
    },
    async answerPreCheck(id, results, now) {
      return answer.run(JSON.stringify(results), now, id).changes === 1;
    },
    async takeSealedAccounts(id) {
      return take(id);
    },
    async resetShards() {
      db.exec('DELETE FROM shard_inventory; DELETE FROM shard_requests;');
    },
  };
}
