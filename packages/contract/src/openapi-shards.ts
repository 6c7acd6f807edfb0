import type { TSchema } from 'typebox';
import { LIST_LIMIT_DEFAULT, LIST_LIMIT_MAX, LIST_LIMIT_MIN, QUERY_RULES } from './list-query.js';
import { EmptyResponseSchema } from './schemas/actions.js';
import { InstanceInventoryBodySchema } from './schemas/inventory.js';
import { ErrorBodySchema, GatewayErrorBodySchema } from './schemas/jobs.js';
import {
  DataNodeAccountsResponseSchema,
  InternalShardRequestResponseSchema,
  PendingPreChecksResponseSchema,
  PreCheckReportBodySchema,
} from './schemas/shard-internal.js';
import {
  AvailableDataNodesResponseSchema,
  PerformResponseSchema,
  PreCheckResponseSchema,
  ShardChangeBodySchema,
  ShardPathSchema,
} from './schemas/shards.js';

/**
 * The OpenAPI paths of starting a shard change (docs/api.md, "Starting a shard change") and of
 * its producer side ("Shard changes for workers"); openapi.ts spreads them into the document.
 */

const json = (schema: TSchema, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});
const ddmError = (description: string) => json(ErrorBodySchema, description);
const auth = {
  '401': json(
    GatewayErrorBodySchema,
    'APIGW.0301: no or bad credentials; APIGW.0307: expired or revoked token',
  ),
  '403': json(GatewayErrorBodySchema, 'APIGW.0302: not for this project, or without the role'),
  '500': ddmError('DBS.300002: server failure'),
};
const path = (name: string, description: string, schema: object = { type: 'string' }) => ({
  name,
  in: 'path',
  required: true,
  schema,
  description,
});
const shapes = (ShardPathSchema as unknown as { properties: Record<string, TSchema> }).properties;
const schemaParams = [
  path('project_id', "The tenant's project ID"),
  path('instance_id', 'DDM instance ID', shapes.instance_id as object),
  path('db_name', 'Logical database (schema) name', shapes.db_name as object),
];
const body = (schema: TSchema) => ({ required: true, content: { 'application/json': { schema } } });

const RULES =
  'DBS.280001: the body’s shape (a missing field, a wrong type, an unknown field); DBS.300375: a shard number ' +
  'that is no whole number from 1, an unknown or repeated data node; DBS.300357: an empty user or password, or ' +
  '(emulator) not the declared account; DBS.300118: not more shards than now, more than 64 on the instance, or ' +
  'fewer shards than data nodes; DBS.300129: no such schema; DBS.300130: the schema not RUNNING or changing ' +
  'already; DBS.300133: a data node another schema’s change uses; DBS.300370: is_exclusive without load ' +
  'balancing; DBS.300377: a window not HH:mm:ss on one day at least 60 minutes apart';
const BASE = '/v3/{project_id}/instances/{instance_id}/databases/{db_name}/migration';
const ACTING = 'Needs one of the action roles (GET /policy); any other role is 403 APIGW.0302.';

export function shardChangePaths(): Record<string, object> {
  const requestId = path('request_id', 'A pre-check id, or a migrateLogicDb task id');
  return {
    [`${BASE}/available-data-nodes`]: {
      get: {
        operationId: 'ListAvailableRdsForMigrate',
        summary: "The data nodes a schema's shards may move to",
        parameters: [
          ...schemaParams,
          {
            name: 'offset',
            in: 'query',
            required: false,
            schema: { type: 'integer', minimum: 0, default: 0 },
            description: QUERY_RULES.offset,
          },
          {
            name: 'limit',
            in: 'query',
            required: false,
            schema: {
              type: 'integer',
              minimum: LIST_LIMIT_MIN,
              maximum: LIST_LIMIT_MAX,
              default: LIST_LIMIT_DEFAULT,
            },
            description: QUERY_RULES.limit,
          },
        ],
        responses: {
          '200': json(AvailableDataNodesResponseSchema, 'A page of data nodes'),
          '400': ddmError('DBS.280001: offset or limit breaks its rule; DBS.300129: no such schema'),
          ...auth,
        },
      },
    },
    [`${BASE}/precheck`]: {
      post: {
        operationId: 'CheckMigrateLogicDb',
        summary: 'Pre-check a shard change: the items checked at once',
        description: ACTING,
        parameters: schemaParams,
        requestBody: body(ShardChangeBodySchema),
        responses: {
          '202': json(PreCheckResponseSchema, 'The pre-check id and the items answered at once'),
          '400': ddmError(RULES),
          ...auth,
        },
      },
    },
    [`${BASE}/precheck/{job_id}`]: {
      get: {
        operationId: 'CheckPreliminaryResults',
        summary: "A pre-check's later items ([] while not answered yet)",
        parameters: [...schemaParams, path('job_id', 'The pre-check id')],
        responses: {
          '200': json(PreCheckResponseSchema, 'The later items'),
          '404': ddmError('DBS.300400: no such pre-check of this schema'),
          ...auth,
        },
      },
    },
    [`${BASE}/migration`]: {
      post: {
        operationId: 'MigrateLogicDb',
        summary: 'Start the shard change a passed pre-check checked: a new migrateLogicDb task',
        description: ACTING,
        parameters: schemaParams,
        requestBody: body(ShardChangeBodySchema),
        responses: {
          '202': json(PerformResponseSchema, 'The new task, listed at once'),
          '400': ddmError(`${RULES}; DBS.300363: no passed pre-check of this request`),
          ...auth,
        },
      },
    },
    '/internal/v1/inventory/{project_id}/instances/{instance_id}': {
      put: {
        operationId: 'PutInstanceInventory',
        summary: "Replace an instance's inventory: schemas, available data nodes, pre-check outcomes",
        'x-ddm-jobs-extension': true,
        parameters: [path('project_id', 'Project ID'), path('instance_id', 'DDM instance ID')],
        requestBody: body(InstanceInventoryBodySchema),
        responses: { '200': json(EmptyResponseSchema, 'Stored: {}'), '400': ddmError('DBS.280001'), ...auth },
      },
    },
    '/internal/v1/shard-requests/pending': {
      get: {
        operationId: 'ListPendingPreChecks',
        summary: 'Pre-checks no worker has answered, oldest first (limit 1 to 1,000, default 100)',
        'x-ddm-jobs-extension': true,
        responses: { '200': json(PendingPreChecksResponseSchema, 'The pending pre-checks'), ...auth },
      },
    },
    '/internal/v1/shard-requests/{request_id}': {
      get: {
        operationId: 'GetShardRequest',
        summary: "A tenant's pre-check or perform, without its passwords",
        'x-ddm-jobs-extension': true,
        parameters: [requestId],
        responses: {
          '200': json(InternalShardRequestResponseSchema, 'The request'),
          '404': ddmError('DBS.300400: no such request'),
          ...auth,
        },
      },
    },
    '/internal/v1/shard-requests/{request_id}/results': {
      put: {
        operationId: 'AnswerPreCheck',
        summary: "Answer a pre-check's later items (once)",
        'x-ddm-jobs-extension': true,
        parameters: [requestId],
        requestBody: body(PreCheckReportBodySchema),
        responses: {
          '200': json(EmptyResponseSchema, 'Stored: {}'),
          '400': ddmError('DBS.280001'),
          '404': ddmError('DBS.300400: no such request'),
          '409': ddmError('DDMJOBS.0421: answered already, or not a pre-check'),
          ...auth,
        },
      },
    },
    '/internal/v1/shard-requests/{request_id}/accounts': {
      post: {
        operationId: 'TakeDataNodeAccounts',
        summary: "A request's data-node accounts with their passwords, handed out once and then dropped",
        'x-ddm-jobs-extension': true,
        parameters: [requestId],
        responses: {
          '200': json(DataNodeAccountsResponseSchema, 'The accounts'),
          '404': ddmError('DBS.300400: no such request'),
          '409': ddmError('DDMJOBS.0420: handed out already, dropped, or none kept'),
          ...auth,
        },
      },
    },
  };
}
