/**
 * The items a shard change's pre-check answers (docs/api.md, "Starting a shard change"): the five
 * the cloud checks at once (answered by `POST .../precheck`) and the eight it checks afterwards
 * (answered by `GET .../precheck/{job_id}`). A scenario, the bootstrap file or a producer's
 * inventory declares an item FAILED or WARN by its key.
 */
export interface PreCheckItem {
  name: string;
  /** `sync`: in the pre-check's own answer; `async`: in its result. */
  phase: 'sync' | 'async';
  handling_suggestion: string;
}

export const PRECHECK_ITEMS = {
  table_name_length: {
    name: 'Length of physical table names',
    phase: 'sync',
    handling_suggestion: 'Physical table names after the change must stay within 64 characters.',
  },
  binlog_backup_time: {
    name: 'Full backup time of binlog in associated DN instances',
    phase: 'sync',
    handling_suggestion: 'Make a full backup of the data nodes before configuring shards.',
  },
  binlog_enabled: {
    name: 'Binlog enabled in associated DN instances',
    phase: 'sync',
    handling_suggestion: 'Enable binlog on every associated data node.',
  },
  binlog_retention: {
    name: 'Expire time of binlog in associated DN instances',
    phase: 'sync',
    handling_suggestion:
      'Configuring shards require expiration of binlog more than 7 days(604800 seconds), please change binlog_expire_logs_seconds',
  },
  physical_table_count: {
    name: 'Maximum number of physical tables',
    phase: 'sync',
    handling_suggestion: 'Lower the number of physical tables, or the number of shards.',
  },
  broadcast_tables: {
    name: 'Consistency of broadcast tables',
    phase: 'async',
    handling_suggestion: 'Make the broadcast tables consistent on every shard.',
  },
  charset_collation: {
    name: 'Character set and collation of source shards',
    phase: 'async',
    handling_suggestion: 'Use one character set and collation on every source shard.',
  },
  physical_table_ddl: {
    name: 'DDL of physical tables',
    phase: 'async',
    handling_suggestion: 'Make the physical tables of each logical table share one definition.',
  },
  primary_keys: {
    name: 'Primary keys of tables',
    phase: 'async',
    handling_suggestion: 'Give every table a primary key.',
  },
  dn_access: {
    name: 'Access to associated DN instances',
    phase: 'async',
    handling_suggestion: 'Check the network and the account of each data node.',
  },
  dn_parameters: {
    name: 'Parameters of associated DN instances',
    phase: 'async',
    handling_suggestion: 'Align the parameters of the data nodes with the source shards.',
  },
  dn_storage: {
    name: 'Storage space of associated DN instances',
    phase: 'async',
    handling_suggestion: 'Scale up the storage of the data nodes.',
  },
  dn_time_zone: {
    name: 'Time zone of associated DN instances',
    phase: 'async',
    handling_suggestion: 'Use one time zone on every data node.',
  },
} as const satisfies Record<string, PreCheckItem>;

export type PreCheckItemKey = keyof typeof PRECHECK_ITEMS;
export const PRECHECK_ITEM_KEYS = Object.keys(PRECHECK_ITEMS) as PreCheckItemKey[];
