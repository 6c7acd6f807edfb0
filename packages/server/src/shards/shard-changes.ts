import { createHash, randomUUID } from 'node:crypto';
import {
  type AvailableDataNodesResponse,
  checkMigrationPath,
  type PreCheckResponse,
  parsePaging,
  parseShardChangeBody,
  parseSwitchStrategy,
  type QueryValue,
  type ShardChangeRequest,
} from '@ddm-jobs/contract';
import type { Clock } from '../clock/clock.js';
import { ApiError } from '../errors/api-error.js';
import type { CredentialVault } from '../identity/aksk/credential-vault.js';
import type { Producer } from '../jobs/producer.js';
import type { JobStore } from '../store/interfaces.js';
import type { JobRow } from '../store/records.js';
import type { InstanceInventory, SchemaInventory, ShardRequest } from '../store/shard-records.js';
import type { ShardStore } from '../store/shard-store.js';
import { findSchema } from './inventory.js';
import { hasPassed, preCheckItems } from './precheck-results.js';
import { sealAccounts } from './sealed-accounts.js';
import { checkShardChange } from './shard-checks.js';

/** The schema a request's path names: project, instance, logical database. */
export interface ShardPath {
  projectId: string;
  instanceId: string;
  databaseName: string;
}

export interface ShardChanges {
  availableNodes(path: ShardPath, query: Record<string, QueryValue>): Promise<AvailableDataNodesResponse>;
  preCheck(path: ShardPath, body: unknown): Promise<PreCheckResponse>;
  preCheckResult(path: ShardPath, id: string): Promise<PreCheckResponse>;
  perform(path: ShardPath, body: unknown): Promise<{ job_id: string }>;
}

export interface ShardChangesDeps {
  store: ShardStore & JobStore;
  producer: Producer;
  clock: Clock;
  /**
   * The emulator (docs/scenarios.md, "Inventory"): undeclared instances and schemas take the
   * default inventory, declared accounts are checked, the later pre-check items are answered at
   * once, and `simulate` plays a perform's task. Outside it producers own inventory and checks.
   */
  emulator?: { simulate(job: JobRow, instance: InstanceInventory): Promise<void> } | undefined;
  /** Seals the data-node passwords for a worker; without it none are kept (the worker uses its own). */
  vault?: CredentialVault | undefined;
}

/** The DDM node a perform migrates on, in the emulator: a cloud-style id (32 hex and `no09`) from the instance's. */
const migratingNodeOf = (instanceId: string) =>
  `${createHash('sha256').update(instanceId).digest('hex').slice(0, 32)}no09`;

/**
 * The tenant's half of starting a shard change (docs/api.md, "Starting a shard change"): the data
 * nodes available, the pre-check and its result, and perform, which records a migrateLogicDb
 * task. Nothing a tenant sends is kept with a password in clear, logged or answered.
 */
export function createShardChanges(deps: ShardChangesDeps): ShardChanges {
  const { store, producer, clock, emulator, vault } = deps;

  const schemaOf = async (path: ShardPath) => {
    const checked = checkMigrationPath({ instance_id: path.instanceId, db_name: path.databaseName });
    if (!checked.ok) throw new ApiError(checked.error, checked.detail);
    const found = await findSchema(
      store,
      emulator !== undefined,
      path.projectId,
      path.instanceId,
      path.databaseName,
      clock.now(),
    );
    if (!found) throw new ApiError('schemaNotFound');
    return found;
  };

  /** The body parsed, the window checked (W1's rules), the rules applied: what a request records. */
  const checkedRequest = async (path: ShardPath, body: unknown) => {
    const parsed = parseShardChangeBody(body);
    if (!parsed.ok) throw new ApiError(parsed.error, parsed.detail);
    const request = parsed.value;
    const window = parseSwitchStrategy(
      { switch_route_begin_time: request.switchBegin, switch_route_end_time: request.switchEnd },
      { ...path, jobId: '' },
    );
    if (!window.ok) throw new ApiError(window.error, window.detail);
    const { instance, schema } = await schemaOf(path);
    const after = await checkShardChange({
      store,
      instance,
      schema,
      request,
      emulator: emulator !== undefined,
    });
    return { request, instance, schema, after };
  };

  const record = (
    kind: ShardRequest['kind'],
    id: string,
    path: ShardPath,
    checked: { request: ShardChangeRequest; schema: SchemaInventory; after: { id: string; name: string }[] },
    now: number,
  ): ShardRequest => {
    const { request, schema, after } = checked;
    return {
      id,
      kind,
      projectId: path.projectId,
      instanceId: path.instanceId,
      databaseName: path.databaseName,
      newShardNumber: request.newShardNumber,
      dataNodes: request.dataNodes.map(({ id: nodeId, user }) => ({ id: nodeId, user })),
      switchBegin: request.switchBegin,
      switchEnd: request.switchEnd,
      isExclusive: request.isExclusive,
      originalShardNumber: schema.shardNumber,
      originalDataNodes: schema.dataNodes,
      afterDataNodes: after,
      syncResults: [],
      results: null,
      // The emulator checks the accounts itself and keeps none; a worker is handed them once.
      sealedAccounts: !emulator && vault ? sealAccounts(vault, id, request.dataNodes) : null,
      createdAt: now,
      answeredAt: null,
    };
  };

  return {
    async availableNodes(path, query) {
      const parsed = parsePaging(query);
      if (!parsed.ok) throw new ApiError('parameter', parsed.detail);
      const { offset, limit } = parsed.value;
      const { instance } = await schemaOf(path);
      const nodes = instance.availableDataNodes;
      return { data_nodes: nodes.slice(offset, offset + limit), offset, limit, total: nodes.length };
    },

    async preCheck(path, body) {
      const checked = await checkedRequest(path, body);
      const now = clock.now();
      const id = randomUUID();
      const request = record('precheck', id, path, checked, now);
      request.syncResults = preCheckItems('sync', checked.instance.precheck);
      if (emulator) {
        // The emulator answers the later items at once; outside it a worker does.
        request.results = preCheckItems('async', checked.instance.precheck);
        request.answeredAt = now;
      }
      await store.recordShardRequest(request, !emulator, now);
      return { job_id: id, pre_check_results: request.syncResults };
    },

    async preCheckResult(path, id) {
      const request = await store.getShardRequest(id.toLowerCase());
      if (
        request?.kind !== 'precheck' ||
        request.projectId !== path.projectId ||
        request.instanceId !== path.instanceId ||
        request.databaseName !== path.databaseName
      )
        throw new ApiError('jobNotFound');
      return { job_id: request.id, pre_check_results: request.results ?? [] };
    },

    async perform(path, body) {
      const checked = await checkedRequest(path, body);
      const { request, instance, schema, after } = checked;
      const [latest] = await store.shardRequestsOf(
        path.projectId,
        path.instanceId,
        path.databaseName,
        'precheck',
        1,
      );
      const sameNodes =
        latest !== undefined &&
        latest.dataNodes.length === request.dataNodes.length &&
        request.dataNodes.every((node) => latest.dataNodes.some((n) => n.id === node.id));
      if (
        !latest ||
        latest.results === null ||
        !sameNodes ||
        latest.newShardNumber !== request.newShardNumber
      )
        throw new ApiError(
          'preCheckFailed',
          'Run a pre-check of this request, and wait for its result, first.',
        );
      if (!hasPassed(latest.syncResults, latest.results))
        throw new ApiError('preCheckFailed', 'The latest pre-check of this request has a FAILED item.');
      const now = clock.now();
      const id = randomUUID();
      // The request first, unannounced: the task's `created` entry announces it, and a worker
      // reading it finds the request already there (docs/api.md, "Shard changes for workers").
      await store.recordShardRequest(record('migration', id, path, checked, now), false, now);
      const { job } = await producer.record({
        id,
        project_id: path.projectId,
        name: 'migrateLogicDb',
        instance_id: path.instanceId,
        instance_name: instance.instanceName,
        database_name: path.databaseName,
        ...(request.switchBegin === ''
          ? {}
          : { switch_route_begin_time: request.switchBegin, switch_route_end_time: request.switchEnd }),
        original_shard_num: schema.shardNumber,
        after_shard_num: request.newShardNumber,
        original_dn_info_list: schema.dataNodes.map((n) => ({
          dn_instance_id: n.id,
          dn_instance_name: n.name,
        })),
        after_dn_info_list: after.map((n) => ({ dn_instance_id: n.id, dn_instance_name: n.name })),
        is_exclusive: request.isExclusive,
        ...(emulator ? { node_id_for_migrate: migratingNodeOf(path.instanceId) } : {}),
      });
      if (emulator) await emulator.simulate(job, instance);
      return { job_id: job.id };
    },
  };
}
