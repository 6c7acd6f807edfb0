import { type Static, Type } from '../typebox.js';
import { withRule } from '../validate.js';
import { Identifier, Name, Text } from './fields.js';

/** A data node as the details show it. */
export const DnInfoSchema = Type.Object(
  {
    dn_instance_id: Type.String({ description: 'Data node (RDS instance) ID' }),
    dn_instance_name: Type.String({ description: 'Data node name' }),
  },
  { additionalProperties: false },
);
export type DnInfo = Static<typeof DnInfoSchema>;

/**
 * `GET /v3/{project_id}/instances/{instance_id}/databases/{db_name}/migration/jobs/{job_id}`
 * (MigrateResults): a shard-configuration task's details, keys in the cloud's order.
 */
export const MigrateResultsSchema = Type.Object(
  {
    instance_name: Type.String({ description: "The task's DDM instance name" }),
    original_shard_num: Type.Integer({ description: 'Shards before the change; 0 when not recorded' }),
    after_shard_num: Type.Integer({ description: 'Shards after the change; 0 when not recorded' }),
    original_dn_info_list: Type.Array(DnInfoSchema, { description: 'Data nodes before the change' }),
    after_dn_info_list: Type.Array(DnInfoSchema, { description: 'Data nodes after the change' }),
    switch_route_is_manual: Type.Boolean({ description: 'True when the tenant switches routes by hand' }),
    auto_switch_begin_time: Type.String({
      description: 'The switch window begins, HH:mm:ss; "" when manual',
    }),
    auto_switch_end_time: Type.String({ description: 'The switch window ends, HH:mm:ss; "" when manual' }),
    node_id_for_migrate: Type.String({ description: 'The DDM node migrating; "" when not recorded' }),
    is_exclusive: Type.Boolean({ description: 'Whether a node is dedicated to the task' }),
  },
  { additionalProperties: false },
);
export type MigrateResults = Static<typeof MigrateResultsSchema>;

/** The most data nodes one list may name. */
export const DN_LIST_MAX = 64;

const ShardNum = withRule(Type.Integer({ minimum: 1, maximum: 64 }), 'must be an integer from 1 to 64');
const DnList = withRule(
  Type.Array(
    Type.Object(
      { dn_instance_id: Identifier(), dn_instance_name: Name(128) },
      { additionalProperties: false },
    ),
    { maxItems: DN_LIST_MAX },
  ),
  `must be an array of at most ${DN_LIST_MAX} {"dn_instance_id", "dn_instance_name"} (an id of 1 to 64 ` +
    'letters, digits, "_" or "-"; a name of 1 to 128 characters)',
);

/**
 * The details a producer records on a migration task, on creation or in a report (internal API,
 * its batch too): each optional, those left out keep their value.
 */
export const migrationDetailFields = {
  original_shard_num: Type.Optional(ShardNum),
  after_shard_num: Type.Optional(ShardNum),
  original_dn_info_list: Type.Optional(DnList),
  after_dn_info_list: Type.Optional(DnList),
  node_id_for_migrate: Type.Optional(Text(64)),
  is_exclusive: Type.Optional(withRule(Type.Boolean(), 'must be true or false')),
};

/** The names of the detail fields, to tell a body's details from its other fields. */
export const MIGRATION_DETAIL_FIELDS = Object.keys(
  migrationDetailFields,
) as (keyof typeof migrationDetailFields)[];
