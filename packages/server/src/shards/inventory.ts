import type { DataNode, InstanceInventoryBody, InventoryDataNode } from '@ddm-jobs/contract';
import type { InstanceInventory, PreCheckOutcome, SchemaInventory } from '../store/shard-records.js';
import { DATA_NODE_DEFAULTS, defaultInstance, defaultSchema } from './default-inventory.js';

/** An available data node with the defaults of the fields not given. */
export const dataNodeOf = (node: InventoryDataNode): DataNode => ({ ...DATA_NODE_DEFAULTS, ...node });

/**
 * An instance's inventory from a producer's report or a declaration's shared fields: the
 * emulator's own fields (accounts, template, `other_schemas`) are added by its declarations.
 */
export function inventoryFrom(
  projectId: string,
  instanceId: string,
  body: InstanceInventoryBody,
  now: number,
): InstanceInventory {
  return {
    projectId,
    instanceId,
    instanceName: body.name,
    loadBalancing: body.load_balancing ?? true,
    otherSchemas: 'none',
    schemas: (body.schemas ?? []).map(
      (schema): SchemaInventory => ({
        name: schema.name,
        shardNumber: schema.shard_number,
        dataNodes: schema.data_nodes,
        status: schema.status ?? 'RUNNING',
      }),
    ),
    availableDataNodes: (body.available_data_nodes ?? []).map(dataNodeOf),
    precheck: (body.precheck ?? {}) as Partial<Record<string, PreCheckOutcome>>,
    accounts: [],
    template: null,
    updatedAt: now,
  };
}

/** Where a request's instance and schema come from: the store, or the emulator's defaults. */
export interface InventoryLookup {
  getInventory(projectId: string, instanceId: string): Promise<InstanceInventory | undefined>;
}

/**
 * The instance and schema a path names. Outside the emulator only what producers reported exists;
 * in the emulator an undeclared instance, and an undeclared schema of an instance that does not
 * say `other_schemas: none`, are taken with the default inventory. Undefined: no such schema.
 */
export async function findSchema(
  store: InventoryLookup,
  emulator: boolean,
  projectId: string,
  instanceId: string,
  databaseName: string,
  now: number,
): Promise<{ instance: InstanceInventory; schema: SchemaInventory } | undefined> {
  const stored = await store.getInventory(projectId, instanceId);
  const instance = stored ?? (emulator ? defaultInstance(projectId, instanceId, now) : undefined);
  if (!instance) return undefined;
  const declared = instance.schemas.find((schema) => schema.name === databaseName);
  if (declared) return { instance, schema: declared };
  if (emulator && instance.otherSchemas === 'default')
    return { instance, schema: defaultSchema(databaseName) };
  return undefined;
}
