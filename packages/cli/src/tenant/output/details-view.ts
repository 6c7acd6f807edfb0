import type { DnInfo, MigrateResults } from '@ddm-jobs/contract/wire';

/** A data node for people: its name and id, or its id alone. */
const node = (dn: DnInfo) =>
  dn.dn_instance_name ? `${dn.dn_instance_name} (${dn.dn_instance_id})` : dn.dn_instance_id;

/** What the API shows as 0, [] or "" when no producer recorded it: "-", not a real zero. */
const nodes = (list: DnInfo[]) => (list.length ? list.map(node).join(', ') : '-');
const count = (n: number) => (n > 0 ? String(n) : '-');

/**
 * A shard-migration task's details (MigrateResults) as `Key  value` lines for people: shards
 * and data nodes before and after, the migrating node, exclusive, and the daily switch window
 * (in the server's time zone, as the API gives it) or manual, naming the command that switches.
 */
export function migrationDetailLines(details: MigrateResults, jobId: string): string[] {
  const pairs: [string, string][] = [
    ['Shards', `${count(details.original_shard_num)} -> ${count(details.after_shard_num)}`],
    ['Data nodes before', nodes(details.original_dn_info_list)],
    ['Data nodes after', nodes(details.after_dn_info_list)],
    ['Migrating node', details.node_id_for_migrate || '-'],
    ['Exclusive', details.is_exclusive ? 'yes' : 'no'],
    [
      'Switch window',
      details.switch_route_is_manual
        ? `manual (ddm-jobs switch ${jobId})`
        : `daily ${details.auto_switch_begin_time} to ${details.auto_switch_end_time} (the server's time zone)`,
    ],
  ];
  const width = Math.max(...pairs.map(([key]) => key.length));
  return pairs.map(([key, value]) => `${`${key}:`.padEnd(width + 2)}${value}`);
}
