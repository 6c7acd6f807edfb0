import { buildOpenApiDocument } from '@ddm-jobs/contract';

/**
 * The calls faults can match: every operation of the OpenAPI document outside the internal API,
 * that is the tenant API (`/v3/{project_id}/...`, named as the cloud's SDKs name them: ListTasks,
 * ShowDdmJobResult, CancelMigration, ...) and Keystone's token routes (KeystoneCreateToken,
 * KeystoneValidateToken). Read from the document, so that the table and the routes cannot drift.
 * The internal API is never matched: a fault there could stop the very call that removes it.
 */
export interface FaultableOperation {
  operation: string;
  method: string;
  /** The path as the document writes it, `/v3/{project_id}/jobs`. */
  path: string;
  /** An event stream (FollowTasks): its answer never ends, so it cannot be cut short. */
  streams: boolean;
}

/** `/v3/{project_id}/jobs` and Fastify's `/v3/:project_id/jobs/` both as `/v3/*\/jobs`. */
export const routeShape = (path: string): string =>
  path.replace(/\{[^}/]+\}|:[^/]+/g, '*').replace(/(.)\/$/, '$1');

const isStream = (operation: Record<string, unknown>): boolean => {
  const responses = operation.responses as Record<string, { content?: Record<string, unknown> }> | undefined;
  const content = responses?.['200']?.content ?? {};
  return Object.keys(content).length === 1 && 'text/event-stream' in content;
};

function readTable(): FaultableOperation[] {
  const { paths } = buildOpenApiDocument('') as { paths: Record<string, Record<string, unknown>> };
  const table: FaultableOperation[] = [];
  for (const [path, methods] of Object.entries(paths)) {
    if (!path.startsWith('/v3/')) continue;
    for (const [method, operation] of Object.entries(methods)) {
      const described = operation as Record<string, unknown>;
      if (typeof described.operationId !== 'string') continue;
      table.push({
        operation: described.operationId,
        method: method.toUpperCase(),
        path,
        streams: isStream(described),
      });
    }
  }
  return table;
}

export const FAULTABLE_OPERATIONS: readonly FaultableOperation[] = readTable();

const BY_ROUTE = new Map(FAULTABLE_OPERATIONS.map((op) => [`${op.method} ${routeShape(op.path)}`, op]));
const NAMES = new Set(FAULTABLE_OPERATIONS.map((op) => op.operation));

/** The operation a routed request calls, from its method and Fastify route; undefined: not faultable. */
export const operationOfRoute = (
  method: string,
  routeUrl: string | undefined,
): FaultableOperation | undefined =>
  routeUrl === undefined ? undefined : BY_ROUTE.get(`${method} ${routeShape(routeUrl)}`);

export const isFaultableOperation = (name: string): boolean => NAMES.has(name);
