import type { DataNode, PreCheckResult, PreCheckStatus } from '@ddm-jobs/contract';

/**
 * What the store keeps for starting shard changes (docs/api.md, "Starting a shard change"): each
 * instance's inventory, and the tenants' requests (pre-checks and performs).
 */

/** A schema (a logical database) of an instance: its shards and the data nodes holding them. */
export interface SchemaInventory {
  name: string;
  shardNumber: number;
  dataNodes: { id: string; name: string }[];
  /** `RUNNING` when shard changes may start. */
  status: string;
}

/** A pre-check item declared to answer other than SUCCESS. */
export interface PreCheckOutcome {
  status: PreCheckStatus;
  note?: string;
  handling_suggestion?: string;
  error_message?: string;
  error_detail_message?: string;
}

/** An account on a data node the emulator checks a request's against; the password only hashed. */
export interface DataNodeAccountHash {
  id: string;
  user: string;
  passwordHash: string;
}

/** One instance's inventory, as a producer reported it or the emulator's declarations gave it. */
export interface InstanceInventory {
  projectId: string;
  instanceId: string;
  instanceName: string;
  /** Whether the instance balances load: `is_exclusive` needs it. */
  loadBalancing: boolean;
  /** Emulator only: an undeclared schema is taken with the default inventory, or does not exist. */
  otherSchemas: 'default' | 'none';
  schemas: SchemaInventory[];
  availableDataNodes: DataNode[];
  precheck: Partial<Record<string, PreCheckOutcome>>;
  /** Emulator only: declared accounts of the data nodes (scrypt hashes). */
  accounts: DataNodeAccountHash[];
  /** Emulator only: the timeline a perform's task plays, as the simulator's JSON; null: the default. */
  template: string | null;
  updatedAt: number;
}

export type ShardRequestKind = 'precheck' | 'migration';

/** A tenant's pre-check or perform, as recorded; never with a password in clear. */
export interface ShardRequest {
  /** The pre-check's id, or the migrateLogicDb task's. */
  id: string;
  kind: ShardRequestKind;
  projectId: string;
  instanceId: string;
  databaseName: string;
  newShardNumber: number;
  /** The data nodes named, with the user of each (the passwords only sealed, below). */
  dataNodes: { id: string; user: string }[];
  /** The switch window as sent, `HH:mm:ss` or "" (manual). */
  switchBegin: string;
  switchEnd: string;
  isExclusive: boolean;
  originalShardNumber: number;
  originalDataNodes: { id: string; name: string }[];
  afterDataNodes: { id: string; name: string }[];
  /** The pre-check items answered at once. */
  syncResults: PreCheckResult[];
  /** The items answered afterwards; null while a worker has not answered them. */
  results: PreCheckResult[] | null;
  /** The accounts with their passwords, sealed by the credential vault for a worker; null once handed out or dropped. */
  sealedAccounts: Buffer | null;
  createdAt: number;
  answeredAt: number | null;
}

/** A request as the feed and the internal API show it: everything but the sealed accounts. */
export type ShardRequestView = Omit<ShardRequest, 'sealedAccounts'> & { accountsKept: boolean };

export const shardRequestView = ({ sealedAccounts, ...rest }: ShardRequest): ShardRequestView => ({
  ...rest,
  accountsKept: sealedAccounts !== null,
});
