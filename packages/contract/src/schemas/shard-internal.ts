import { type Static, Type } from '../typebox.js';
import { withRule } from '../validate.js';
import { PreCheckResultSchema } from './shards.js';

/**
 * The producer side of starting shard changes (docs/api.md, "Shard changes for workers"): what a
 * worker reads of a tenant's pre-check or perform, reports back, and is handed once.
 */

const NodeRef = Type.Object({ id: Type.String(), name: Type.String() }, { additionalProperties: false });

/** A tenant's pre-check or perform as a worker sees it: never a password. */
export const InternalShardRequestSchema = Type.Object(
  {
    id: Type.String({ description: "The pre-check's id, or the migrateLogicDb task's" }),
    kind: Type.Enum(['precheck', 'migration'], { description: 'precheck, or migration (a perform)' }),
    project_id: Type.String(),
    instance_id: Type.String(),
    database_name: Type.String(),
    new_shard_number: Type.Integer(),
    data_nodes: Type.Array(
      Type.Object({ id: Type.String(), user: Type.String() }, { additionalProperties: false }),
      { description: 'The data nodes named and the user of each; the passwords only from .../accounts' },
    ),
    switch_route_begin_time: Type.String({ description: 'HH:mm:ss, or "" (manual)' }),
    switch_route_end_time: Type.String({ description: 'HH:mm:ss, or "" (manual)' }),
    is_exclusive: Type.Boolean(),
    original_shard_number: Type.Integer(),
    original_data_nodes: Type.Array(NodeRef),
    after_data_nodes: Type.Array(NodeRef),
    pre_check_results: Type.Array(PreCheckResultSchema, { description: 'The items answered at once' }),
    results: Type.Union([Type.Array(PreCheckResultSchema), Type.Null()], {
      description: 'A pre-check: the items a worker answered afterwards; null until then',
    }),
    accounts_kept: Type.Boolean({
      description: 'Whether the sealed passwords are still there to be handed out',
    }),
    created_at: Type.Integer({ description: 'Epoch milliseconds' }),
    answered_at: Type.Union([Type.Integer(), Type.Null()], { description: 'Epoch milliseconds, or null' }),
  },
  { additionalProperties: false },
);
export type InternalShardRequest = Static<typeof InternalShardRequestSchema>;

export const InternalShardRequestResponseSchema = Type.Object(
  { request: InternalShardRequestSchema },
  { additionalProperties: false },
);

/** `GET /internal/v1/shard-requests/pending`: pre-checks no worker has answered, oldest first. */
export const PendingPreChecksResponseSchema = Type.Object(
  { requests: Type.Array(InternalShardRequestSchema) },
  { additionalProperties: false },
);

/** `PUT /internal/v1/shard-requests/{id}/results`: a worker's answer to a pre-check's later items. */
export const PreCheckReportBodySchema = Type.Object(
  {
    pre_check_results: withRule(
      Type.Array(
        Type.Object(
          {
            name: withRule(Type.String({ minLength: 1, maxLength: 256 }), 'must be 1 to 256 characters'),
            status: withRule(Type.Enum(['SUCCESS', 'FAILED', 'WARN']), 'must be SUCCESS, FAILED or WARN'),
            note: Type.Optional(Type.String({ maxLength: 1024 })),
            handling_suggestion: Type.Optional(Type.String({ maxLength: 1024 })),
            error_message: Type.Optional(Type.String({ maxLength: 1024 })),
            error_detail_message: Type.Optional(Type.String({ maxLength: 4096 })),
          },
          { additionalProperties: false },
        ),
        { minItems: 1, maxItems: 64 },
      ),
      'must be a list of 1 to 64 items {"name", "status", ...}',
    ),
  },
  { additionalProperties: false },
);
export type PreCheckReportBody = Static<typeof PreCheckReportBodySchema>;

/** `POST /internal/v1/shard-requests/{id}/accounts`: the data-node accounts, handed out once. */
export const DataNodeAccountsResponseSchema = Type.Object(
  {
    data_nodes: Type.Array(
      Type.Object(
        { id: Type.String(), user: Type.String(), password: Type.String() },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type DataNodeAccountsResponse = Static<typeof DataNodeAccountsResponseSchema>;
