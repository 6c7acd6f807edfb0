import type { PreCheckResult } from '@ddm-jobs/contract';
import type { InstanceInventory, ShardRequest, ShardRequestKind } from './shard-records.js';

/** Inventories and shard-change requests (docs/api.md, "Starting a shard change"). */
export interface ShardStore {
  /** Replaces an instance's inventory. */
  putInventory(inventory: InstanceInventory): Promise<void>;
  getInventory(projectId: string, instanceId: string): Promise<InstanceInventory | undefined>;
  /**
   * Records a request; with `announce`, appends its `requested` entry to the change feed in the
   * same transaction, so a worker following the feed learns of it exactly once.
   */
  recordShardRequest(request: ShardRequest, announce: boolean, now: number): Promise<void>;
  getShardRequest(id: string): Promise<ShardRequest | undefined>;
  /** An instance's requests of one kind (of one schema when named), newest first, at most `limit`. */
  shardRequestsOf(
    projectId: string,
    instanceId: string,
    databaseName: string | undefined,
    kind: ShardRequestKind,
    limit: number,
  ): Promise<ShardRequest[]>;
  /** Pre-checks whose results no worker has answered yet, oldest first, at most `limit`. */
  pendingPreChecks(limit: number): Promise<ShardRequest[]>;
  /**
   * Stores a pending pre-check's results and drops its sealed accounts; false when there is no
   * such pre-check or it was answered already.
   */
  answerPreCheck(id: string, results: PreCheckResult[], now: number): Promise<boolean>;
  /** Hands a request's sealed accounts out once: answers them and drops them; undefined when none are kept. */
  takeSealedAccounts(id: string): Promise<Buffer | undefined>;
  /** Empties the inventories and the requests: the emulator's reset. */
  resetShards(): Promise<void>;
}
