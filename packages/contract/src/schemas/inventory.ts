import { PRECHECK_ITEM_KEYS } from '../precheck-items.js';
import { type Static, type TSchema, Type } from '../typebox.js';
import { withRule } from '../validate.js';
import { Identifier, Name, Text } from './fields.js';
import { ScenarioReactionSchema, ScenarioStepSchema } from './scenario.js';
import { PRECHECK_STATUSES, SHARD_LIMITS } from './shards.js';

/**
 * An instance's inventory for shard changes: its schemas (shard count, data nodes, status), the
 * data nodes available to them, and what its pre-check items answer. Producers keep it current
 * (`PUT /internal/v1/inventory/{project_id}/instances/{instance_id}`); the emulator reads it from
 * the bootstrap file or a scenario, with more fields for its own checks (docs/scenarios.md).
 */

const Short = (max: number) => Text(max);

/** A data node the instance may move shards to; absent fields take the emulator's defaults. */
export const InventoryDataNodeSchema = Type.Object(
  {
    id: Identifier(),
    name: Name(128),
    status: Type.Optional(Short(32)),
    engine_name: Type.Optional(Short(32)),
    engine_version: Type.Optional(Short(32)),
    private_ip: Type.Optional(Short(64)),
    port: Type.Optional(withRule(Type.Integer({ minimum: 1, maximum: 65535 }), 'must be a port, 1 to 65535')),
    time_zone: Type.Optional(Short(32)),
  },
  { additionalProperties: false },
);
export type InventoryDataNode = Static<typeof InventoryDataNodeSchema>;

export const InventorySchemaSchema = Type.Object(
  {
    name: Name(128),
    shard_number: withRule(
      Type.Integer({ minimum: 1, maximum: SHARD_LIMITS.shards }),
      `must be an integer from 1 to ${SHARD_LIMITS.shards}`,
    ),
    data_nodes: withRule(
      Type.Array(Type.Object({ id: Identifier(), name: Name(128) }, { additionalProperties: false }), {
        minItems: 1,
        maxItems: SHARD_LIMITS.dataNodes,
      }),
      `must be a list of 1 to ${SHARD_LIMITS.dataNodes} data nodes {"id", "name"}`,
    ),
    status: Type.Optional(Short(32)),
  },
  { additionalProperties: false },
);
export type InventorySchema = Static<typeof InventorySchemaSchema>;

const PreCheckOutcome = Type.Object(
  {
    status: withRule(Type.Enum([...PRECHECK_STATUSES]), 'must be SUCCESS, FAILED or WARN'),
    note: Type.Optional(Text(1024)),
    handling_suggestion: Type.Optional(Text(1024)),
    error_message: Type.Optional(Text(1024)),
    error_detail_message: Type.Optional(Text(1024)),
  },
  { additionalProperties: false },
);

/** Pre-check items declared to answer other than SUCCESS, by key (docs/api.md lists the keys). */
export const PreCheckDeclarationSchema = Type.Object(
  Object.fromEntries(PRECHECK_ITEM_KEYS.map((key) => [key, Type.Optional(PreCheckOutcome)])) as Record<
    string,
    TSchema
  >,
  { additionalProperties: false },
);
export type PreCheckDeclaration = Partial<Record<string, Static<typeof PreCheckOutcome>>>;

const instanceFields = {
  name: Name(128),
  load_balancing: Type.Optional(withRule(Type.Boolean(), 'must be true or false')),
  schemas: Type.Optional(Type.Array(InventorySchemaSchema, { maxItems: 1000 })),
  available_data_nodes: Type.Optional(Type.Array(InventoryDataNodeSchema, { maxItems: 1000 })),
  precheck: Type.Optional(PreCheckDeclarationSchema),
};

/** `PUT /internal/v1/inventory/{project_id}/instances/{instance_id}`: a producer's report. */
export const InstanceInventoryBodySchema = Type.Object(instanceFields, { additionalProperties: false });
export type InstanceInventoryBody = Static<typeof InstanceInventoryBodySchema>;

/** The timeline of the migrateLogicDb task a perform creates in the emulator. */
export const ShardChangeTemplateSchema = Type.Object(
  {
    steps: Type.Array(ScenarioStepSchema, { minItems: 1, maxItems: 50 }),
    on_cancel: Type.Optional(ScenarioReactionSchema),
    on_rollback: Type.Optional(ScenarioReactionSchema),
    on_switch: Type.Optional(ScenarioReactionSchema),
    on_retry: Type.Optional(
      Type.Object(
        { steps: Type.Array(ScenarioStepSchema, { minItems: 1, maxItems: 50 }) },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type ShardChangeTemplate = Static<typeof ShardChangeTemplateSchema>;

/** An instance as the emulator's declarations give it (bootstrap file, scenario). */
export const DeclaredInstanceSchema = Type.Object(
  {
    id: Identifier(),
    project: Type.Optional(
      withRule(
        Type.String({ pattern: '^[^\\u0000-\\u001f]{1,64}$' }),
        'must be a project id, or a project name in the default domain',
      ),
    ),
    ...instanceFields,
    other_schemas: Type.Optional(
      withRule(Type.Enum(['default', 'none']), 'must be default (taken with the default inventory) or none'),
    ),
    data_node_credentials: Type.Optional(
      Type.Array(
        Type.Object(
          {
            id: Identifier(),
            user: Name(128),
            password: withRule(
              Type.String({ minLength: 1, maxLength: 1024 }),
              'must be 1 to 1024 characters',
            ),
          },
          { additionalProperties: false },
        ),
        { maxItems: 1000 },
      ),
    ),
    shard_change: Type.Optional(ShardChangeTemplateSchema),
  },
  { additionalProperties: false },
);
export type DeclaredInstance = Static<typeof DeclaredInstanceSchema>;

/** The `inventory` section of the bootstrap file and of a scenario. */
export const InventoryDeclarationSchema = Type.Object(
  { instances: Type.Array(DeclaredInstanceSchema, { maxItems: 1000 }) },
  { additionalProperties: false },
);
export type InventoryDeclaration = Static<typeof InventoryDeclarationSchema>;
