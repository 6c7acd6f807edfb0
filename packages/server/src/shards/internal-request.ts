import type { InternalShardRequest } from '@ddm-jobs/contract';
import type { ShardRequestView } from '../store/shard-records.js';

/** A shard-change request as the internal API and the feed show it to workers: never a password. */
export const toInternalShardRequest = (request: ShardRequestView): InternalShardRequest => ({
  id: request.id,
  kind: request.kind,
  project_id: request.projectId,
  instance_id: request.instanceId,
  database_name: request.databaseName,
  new_shard_number: request.newShardNumber,
  data_nodes: request.dataNodes.map(({ id, user }) => ({ id, user })),
  switch_route_begin_time: request.switchBegin,
  switch_route_end_time: request.switchEnd,
  is_exclusive: request.isExclusive,
  original_shard_number: request.originalShardNumber,
  original_data_nodes: request.originalDataNodes,
  after_data_nodes: request.afterDataNodes,
  pre_check_results: request.syncResults,
  results: request.results,
  accounts_kept: request.accountsKept,
  created_at: request.createdAt,
  answered_at: request.answeredAt,
});
