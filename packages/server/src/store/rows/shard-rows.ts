import type { InstanceInventory, ShardRequest } from '../shard-records.js';

/**
 * The rows of `shard_inventory` and `shard_requests` (migration 11), alike on both databases: the
 * keys the queries need as columns, the rest as one JSON document.
 */

export type InventoryRow = [document: string];

export const inventoryDocument = (inventory: InstanceInventory): string => JSON.stringify(inventory);
export const toInventory = ([document]: InventoryRow): InstanceInventory =>
  JSON.parse(document) as InstanceInventory;

export const REQUEST_COLUMNS = 'body, results, sealed_accounts, answered_at';

export type RequestRow = [
  body: string,
  results: string | null,
  sealedAccounts: Buffer | Uint8Array | null,
  answeredAt: number | string | null,
];

type RequestBody = Omit<ShardRequest, 'results' | 'sealedAccounts' | 'answeredAt'>;

/** The JSON of what never changes once recorded. */
export function requestBody(request: ShardRequest): string {
  const { results: _results, sealedAccounts: _sealed, answeredAt: _answered, ...body } = request;
  return JSON.stringify(body satisfies RequestBody);
}

/**
 * The values of a request's row, in the order both databases' inserts name their columns: id,
 * kind, project, instance, database, created, body, results, sealed accounts, answered.
 */
export const shardRequestValues = (request: ShardRequest) => [
  request.id,
  request.kind,
  request.projectId,
  request.instanceId,
  request.databaseName,
  request.createdAt,
  requestBody(request),
  request.results === null ? null : JSON.stringify(request.results),
  request.sealedAccounts,
  request.answeredAt,
];

export function toShardRequest([body, results, sealed, answeredAt]: RequestRow): ShardRequest {
  return {
    ...(JSON.parse(body) as RequestBody),
    results: results === null ? null : (JSON.parse(results) as ShardRequest['results']),
    sealedAccounts: sealed === null ? null : Buffer.from(sealed),
    // PostgreSQL answers BIGINT as a string.
    answeredAt: answeredAt === null ? null : Number(answeredAt),
  };
}

/** The feed entry's project for what only workers read (tenants' streams never select it). */
export const CONTROL_PLANE = '#';
