/**
 * Starting a shard change (docs/api.md, "Starting a shard change"): the paths and bodies of the
 * data nodes available, the pre-check, its result and perform, as `DdmClient` sends them.
 */

import { pathOf } from './request.js';
import { nonEmpty } from './tasks.js';
import type { DailySwitchWindow } from './times.js';

/** The schema a shard change concerns: a DDM instance and one of its logical databases. */
export interface ShardSchema {
  instanceId: string;
  dbName: string;
}

/** A data node the change moves shards to, with the account the migration uses on it. */
export interface DataNodeAccount {
  id: string;
  user: string;
  password: string;
}

/** What a pre-check or perform asks for. */
export interface ShardChangeInput {
  /** More than the schema's shards now, at most 64 on the instance; a number or a string of digits. */
  newShardNumber: number | string;
  dataNodes: DataNodeAccount[];
  /** The daily switch window (`HH:mm:ss`, in the server's time zone); none: the tenant switches by hand. */
  switchWindow?: DailySwitchWindow;
  /** Dedicate a DDM node to the migration (needs load balancing on the instance). */
  isExclusive?: boolean;
}

/** `.../databases/{db_name}/migration/{...tail}` under a project path. */
export function shardPath(projectPath: string, schema: ShardSchema, ...tail: string[]): string {
  nonEmpty(schema?.instanceId, 'instanceId');
  nonEmpty(schema?.dbName, 'dbName');
  return (
    projectPath + pathOf('instances', schema.instanceId, 'databases', schema.dbName, 'migration', ...tail)
  );
}

/** The wire body of a pre-check or perform. */
export function shardChangeBody(input: ShardChangeInput): Record<string, unknown> {
  return {
    new_shard_number: input.newShardNumber,
    data_nodes: input.dataNodes.map(({ id, user, password }) => ({ id, user, password })),
    ...(input.switchWindow
      ? { switch_route_begin_time: input.switchWindow.begin, switch_route_end_time: input.switchWindow.end }
      : {}),
    ...(input.isExclusive === undefined ? {} : { is_exclusive: input.isExclusive }),
  };
}
