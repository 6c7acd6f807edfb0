import type { Command } from 'commander';
import { actionCommands } from './actions.js';
import { detailsCommand } from './details.js';
import { getCommand } from './get.js';
import { listCommand } from './list.js';
import { logsCommand } from './logs.js';
import { nodesCommand, precheckCommand } from './shard-changes.js';
import { switchWindowCommand } from './switch-window.js';

/**
 * The tenant commands, on the SDK: they talk to a DDM service (ddm-jobs or the cloud's) as a
 * tenant, configured the way OpenStack tools are. `watch` is registered beside them in main.ts.
 */
export function tenantCommands(program: Command): void {
  listCommand(program);
  getCommand(program);
  detailsCommand(program);
  logsCommand(program);
  actionCommands(program);
  switchWindowCommand(program);
  nodesCommand(program);
  precheckCommand(program);
}
