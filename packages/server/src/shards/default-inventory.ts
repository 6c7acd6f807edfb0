import type { DataNode } from '@ddm-jobs/contract';
import type { InstanceInventory, SchemaInventory } from '../store/shard-records.js';

/**
 * The emulator's default inventory (docs/scenarios.md, "Inventory"): an instance or a schema no
 * declaration names is taken as it comes, with these, so a test can start with nothing.
 */

export const DEFAULT_SHARD_NUMBER = 8;
export const DEFAULT_INSTANCE_NAME = 'ddm-simulated';

/** Data node n: a cloud-style id (32 hex digits and `in01`), a name, an address. */
function dataNode(n: number): DataNode {
  return {
    id: `dd${String(n).padStart(30, '0')}in01`,
    name: `ddm-dn-${n}`,
    status: 'normal',
    engine_name: 'mysql',
    engine_version: '8.0',
    private_ip: `192.168.0.${10 + n}`,
    port: 3306,
    time_zone: 'UTC+08:00',
  };
}

/** What an available data node declared without them shows. */
export const DATA_NODE_DEFAULTS = {
  status: 'normal',
  engine_name: 'mysql',
  engine_version: '8.0',
  private_ip: '',
  port: 3306,
  time_zone: 'UTC+08:00',
} as const;

/** A default schema's shards live on data nodes 1 and 2; nodes 3 to 6 are available. */
export const DEFAULT_SCHEMA_NODES = [dataNode(1), dataNode(2)].map(({ id, name }) => ({ id, name }));
export const DEFAULT_AVAILABLE_NODES: DataNode[] = [3, 4, 5, 6].map(dataNode);

export function defaultSchema(name: string): SchemaInventory {
  return { name, shardNumber: DEFAULT_SHARD_NUMBER, dataNodes: DEFAULT_SCHEMA_NODES, status: 'RUNNING' };
}

export function defaultInstance(projectId: string, instanceId: string, now: number): InstanceInventory {
  return {
    projectId,
    instanceId,
    instanceName: DEFAULT_INSTANCE_NAME,
    loadBalancing: true,
    otherSchemas: 'default',
    schemas: [],
    availableDataNodes: DEFAULT_AVAILABLE_NODES,
    precheck: {},
    accounts: [],
    template: null,
    updatedAt: now,
  };
}
