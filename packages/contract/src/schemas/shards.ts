import { type Static, Type } from '../typebox.js';
import { withRule } from '../validate.js';
import { Identifier, Name } from './fields.js';

/**
 * The tenant's half of starting a shard change (docs/api.md, "Starting a shard change"): the data
 * nodes available, the pre-check and its result, and perform. Keys in the cloud's order.
 */

/** A data node (an RDS instance) the schema's shards may move to. */
export const DataNodeSchema = Type.Object(
  {
    id: Type.String({ description: 'Data node (RDS instance) ID' }),
    name: Type.String({ description: 'Data node name' }),
    status: Type.String({ description: 'Its status, e.g. normal' }),
    engine_name: Type.String({ description: 'Database engine, e.g. mysql' }),
    engine_version: Type.String({ description: 'Engine version, e.g. 8.0' }),
    private_ip: Type.String({ description: 'Private IP address' }),
    port: Type.Integer({ description: 'Port' }),
    time_zone: Type.String({ description: 'Time zone, e.g. UTC+08:00' }),
  },
  { additionalProperties: false },
);
export type DataNode = Static<typeof DataNodeSchema>;

/** `GET .../migration/available-data-nodes` (ListAvailableRdsForMigrate). */
export const AvailableDataNodesResponseSchema = Type.Object(
  {
    data_nodes: Type.Array(DataNodeSchema),
    offset: Type.Integer({ description: 'The effective offset' }),
    limit: Type.Integer({ description: 'The effective limit' }),
    total: Type.Integer({ description: 'Data nodes available in all' }),
  },
  { additionalProperties: false },
);
export type AvailableDataNodesResponse = Static<typeof AvailableDataNodesResponseSchema>;

export const PRECHECK_STATUSES = ['SUCCESS', 'FAILED', 'WARN'] as const;
export type PreCheckStatus = (typeof PRECHECK_STATUSES)[number];

/** One pre-check item's outcome. */
export const PreCheckResultSchema = Type.Object(
  {
    name: Type.String({ description: 'What was checked' }),
    status: Type.Enum([...PRECHECK_STATUSES], { description: 'SUCCESS, FAILED or WARN' }),
    note: Type.String(),
    handling_suggestion: Type.String(),
    error_message: Type.String(),
    error_detail_message: Type.String(),
  },
  { additionalProperties: false },
);
export type PreCheckResult = Static<typeof PreCheckResultSchema>;

/** `POST .../precheck` (202) and `GET .../precheck/{job_id}` (200). */
export const PreCheckResponseSchema = Type.Object(
  {
    job_id: Type.String({ description: 'The pre-check ID' }),
    pre_check_results: Type.Array(PreCheckResultSchema),
  },
  { additionalProperties: false },
);
export type PreCheckResponse = Static<typeof PreCheckResponseSchema>;

/** The most data nodes one request names, and the most shards an instance holds. */
export const SHARD_LIMITS = { dataNodes: 64, shards: 64 } as const;

/** A data node named by a pre-check or a perform, with the account the migration uses on it. */
export const DataNodeAccountSchema = Type.Object(
  {
    id: Identifier(),
    user: withRule(
      Type.String({ maxLength: 128, pattern: '^[^\\u0000-\\u001f]*$' }),
      'must be a string of at most 128 characters without control characters',
    ),
    password: withRule(Type.String({ maxLength: 1024 }), 'must be a string of at most 1024 characters'),
  },
  { additionalProperties: false },
);
export type DataNodeAccount = Static<typeof DataNodeAccountSchema>;

const SwitchTime = () => withRule(Type.String({ maxLength: 64 }), 'must be a daily time as HH:mm:ss, or ""');

/**
 * `POST .../precheck` and `POST .../migration`. `new_shard_number` is a string in the cloud's
 * models and a number in its example: both are taken. The pre-check accepts the window and
 * `is_exclusive` too (the SDK's body model carries them) and checks them as perform does.
 */
export const ShardChangeBodySchema = Type.Object(
  {
    new_shard_number: withRule(
      Type.Union([Type.String({ maxLength: 16 }), Type.Number()]),
      'must be a whole number of shards, as a number or a string',
    ),
    data_nodes: withRule(
      Type.Array(DataNodeAccountSchema, { minItems: 1, maxItems: SHARD_LIMITS.dataNodes }),
      `must be a list of 1 to ${SHARD_LIMITS.dataNodes} data nodes {"id", "user", "password"}`,
    ),
    switch_route_begin_time: Type.Optional(SwitchTime()),
    switch_route_end_time: Type.Optional(SwitchTime()),
    is_exclusive: Type.Optional(withRule(Type.Boolean(), 'must be true or false')),
  },
  { additionalProperties: false },
);
export type ShardChangeBody = Static<typeof ShardChangeBodySchema>;

/** What perform answers (202): the new migrateLogicDb task. */
export const PerformResponseSchema = Type.Object(
  { job_id: Type.String({ description: 'The new migrateLogicDb task' }) },
  { additionalProperties: false },
);
export type PerformResponse = Static<typeof PerformResponseSchema>;

/** The path parameters of the family's routes, checked as the actions check theirs. */
export const ShardPathSchema = Type.Object({ instance_id: Identifier(), db_name: Name(128) });
