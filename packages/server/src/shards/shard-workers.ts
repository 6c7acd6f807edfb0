import {
  createValidator,
  type DataNodeAccountsResponse,
  type InstanceInventoryBody,
  InstanceInventoryBodySchema,
  type InternalShardRequest,
  MigrationPathSchema,
  type PreCheckReportBody,
  PreCheckReportBodySchema,
  parseEventsQuery,
  type QueryValue,
  Type,
} from '@ddm-jobs/contract';
import type { Clock } from '../clock/clock.js';
import { ApiError } from '../errors/api-error.js';
import type { CredentialVault } from '../identity/aksk/credential-vault.js';
import { shardRequestView } from '../store/shard-records.js';
import type { ShardStore } from '../store/shard-store.js';
import { toInternalShardRequest } from './internal-request.js';
import { inventoryFrom } from './inventory.js';
import { reportedItems } from './precheck-results.js';
import { openAccounts } from './sealed-accounts.js';

/**
 * The producer side of starting shard changes (docs/api.md, "Shard changes for workers"):
 * control-plane workers keep each instance's inventory current, read the pre-checks tenants ask
 * for, answer their later items, and are handed a request's data-node accounts once.
 */
export interface ShardWorkers {
  putInventory(projectId: string, instanceId: string, body: unknown): Promise<void>;
  request(id: string): Promise<InternalShardRequest>;
  pending(query: Record<string, QueryValue>): Promise<InternalShardRequest[]>;
  answer(id: string, body: unknown): Promise<void>;
  takeAccounts(id: string): Promise<DataNodeAccountsResponse>;
}

const validateInventory = createValidator<InstanceInventoryBody>(InstanceInventoryBodySchema);
const validateReport = createValidator<PreCheckReportBody>(PreCheckReportBodySchema);
const validatePath = createValidator<{ project_id: string; instance_id: string }>(
  Type.Object({
    project_id: MigrationPathSchema.properties.instance_id,
    instance_id: MigrationPathSchema.properties.instance_id,
  }),
);

export function createShardWorkers(deps: {
  store: ShardStore;
  clock: Clock;
  vault?: CredentialVault | undefined;
}): ShardWorkers {
  const { store, clock, vault } = deps;
  const find = async (id: string) => {
    const request = await store.getShardRequest(id.toLowerCase());
    if (!request) throw new ApiError('jobNotFound');
    return request;
  };
  return {
    async putInventory(projectId, instanceId, body) {
      const path = validatePath({ project_id: projectId, instance_id: instanceId });
      if (!path.ok) throw new ApiError('parameter', path.detail);
      const checked = validateInventory(body ?? null);
      if (!checked.ok) throw new ApiError('parameter', checked.detail);
      await store.putInventory(inventoryFrom(projectId, instanceId, checked.value, clock.now()));
    },
    async request(id) {
      return toInternalShardRequest(shardRequestView(await find(id)));
    },
    async pending(query) {
      // The feed's limit rule (1 to 1,000, default 100); its other parameters are not read here.
      const parsed = parseEventsQuery({ limit: query.limit });
      if (!parsed.ok) throw new ApiError('parameter', parsed.detail);
      const requests = await store.pendingPreChecks(parsed.value.limit);
      return requests.map((request) => toInternalShardRequest(shardRequestView(request)));
    },
    async answer(id, body) {
      const checked = validateReport(body ?? null);
      if (!checked.ok) throw new ApiError('parameter', checked.detail);
      const request = await find(id);
      if (request.kind !== 'precheck')
        throw new ApiError('preCheckAnswered', 'A perform has no pre-check items.');
      const done = await store.answerPreCheck(
        request.id,
        reportedItems(checked.value.pre_check_results),
        clock.now(),
      );
      if (!done) throw new ApiError('preCheckAnswered');
    },
    async takeAccounts(id) {
      const request = await find(id);
      const sealed = await store.takeSealedAccounts(request.id);
      const accounts = sealed && vault ? openAccounts(vault, request.id, sealed) : undefined;
      if (!accounts) throw new ApiError('credentialsHandedOut');
      return { data_nodes: accounts };
    },
  };
}
