import { FINISHED_STATUSES, inputExcerpt, SHARD_LIMITS, type ShardChangeRequest } from '@ddm-jobs/contract';
import { ApiError } from '../errors/api-error.js';
import { verifyPassword } from '../identity/passwords.js';
import type { JobStore } from '../store/interfaces.js';
import type { InstanceInventory, SchemaInventory, ShardRequest } from '../store/shard-records.js';
import type { ShardStore } from '../store/shard-store.js';

/** The latest shard changes of an instance read for the rules: at most this many. */
const RECENT_CHANGES = 200;

export interface CheckContext {
  store: ShardStore & Pick<JobStore, 'getJob'>;
  instance: InstanceInventory;
  schema: SchemaInventory;
  request: ShardChangeRequest;
  emulator: boolean;
}

/** A data node the request may name: one the instance offers, or one the schema is on already. */
function knownNode(context: CheckContext, id: string): { id: string; name: string } | undefined {
  const { instance, schema } = context;
  return (
    schema.dataNodes.find((node) => node.id === id) ??
    instance.availableDataNodes.find((node) => node.id === id)
  );
}

/** Whether a perform's task still holds its schema and data nodes: it exists and has not finished. */
async function holds(context: CheckContext, change: ShardRequest): Promise<boolean> {
  const job = await context.store.getJob(change.id);
  return job !== undefined && !FINISHED_STATUSES.has(job.status);
}

/**
 * The cloud's rules for starting a shard change against the instance's inventory, in this order
 * (docs/api.md, "Starting a shard change"): the schema running and not changing already
 * (DBS.300130); more shards than now, at most 64 on the instance, at least one per data node
 * (DBS.300118); every data node known (DBS.300375) and not used by another schema's change
 * (DBS.300133); `is_exclusive` only with load balancing (DBS.300370); in the emulator, the
 * declared accounts (DBS.300357). Answers the data nodes after the change, with their names.
 */
export async function checkShardChange(context: CheckContext): Promise<{ id: string; name: string }[]> {
  const { store, instance, schema, request } = context;
  if (schema.status !== 'RUNNING')
    throw new ApiError(
      'schemaNotRunning',
      `The schema is ${inputExcerpt(schema.status)}; it must be RUNNING.`,
    );
  const changes = await store.shardRequestsOf(
    instance.projectId,
    instance.instanceId,
    undefined,
    'migration',
    RECENT_CHANGES,
  );
  const ongoing: ShardRequest[] = [];
  for (const change of changes) if (await holds(context, change)) ongoing.push(change);
  if (ongoing.some((change) => change.databaseName === schema.name))
    throw new ApiError('schemaNotRunning', 'A shard change of the schema is under way.');

  const wanted = request.newShardNumber;
  if (wanted <= schema.shardNumber)
    throw new ApiError(
      'scaleOutFailed',
      `new_shard_number must be more than the schema's ${schema.shardNumber} shards.`,
    );
  const others = instance.schemas
    .filter((other) => other.name !== schema.name)
    .reduce((sum, other) => sum + other.shardNumber, 0);
  if (others + wanted > SHARD_LIMITS.shards)
    throw new ApiError(
      'scaleOutFailed',
      `An instance holds at most ${SHARD_LIMITS.shards} shards; its other schemas hold ${others}.`,
    );
  if (wanted < request.dataNodes.length)
    throw new ApiError('scaleOutFailed', 'new_shard_number must be at least the number of data nodes.');

  const after = request.dataNodes.map((node, i) => {
    const known = knownNode(context, node.id);
    if (!known)
      throw new ApiError(
        'invalidParameter',
        `data_nodes[${i}].id ${inputExcerpt(node.id)} is not a data node of the instance.`,
      );
    return { id: known.id, name: known.name };
  });
  for (const [i, node] of after.entries()) {
    const user = ongoing.find(
      (change) => change.databaseName !== schema.name && change.dataNodes.some((n) => n.id === node.id),
    );
    if (user)
      throw new ApiError(
        'dataNodeInUse',
        `data_nodes[${i}].id is used by the shard change of another schema.`,
      );
  }
  if (request.isExclusive && !instance.loadBalancing)
    throw new ApiError('loadBalancingOff', 'is_exclusive needs load balancing on the instance.');
  if (context.emulator) await checkAccounts(context);
  return after;
}

/** The emulator's check of the declared accounts: a node with one takes only its user and password. */
async function checkAccounts(context: CheckContext): Promise<void> {
  for (const [i, node] of context.request.dataNodes.entries()) {
    const declared = context.instance.accounts.find((account) => account.id === node.id);
    if (!declared) continue;
    // The hash is checked whatever the user, so a wrong user costs as much as a wrong password.
    const passwordOk = await verifyPassword(node.password, declared.passwordHash);
    if (declared.user !== node.user || !passwordOk)
      throw new ApiError('dataNodeLogin', `data_nodes[${i}]: the user or password is wrong.`);
  }
}
