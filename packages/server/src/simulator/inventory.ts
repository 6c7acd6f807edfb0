import { type InventoryDeclaration, inputExcerpt } from '@ddm-jobs/contract';
import type { Clock } from '../clock/clock.js';
import { DEFAULT_DOMAIN } from '../identity/ids.js';
import { hashPassword } from '../identity/passwords.js';
import { inventoryFrom } from '../shards/inventory.js';
import type { Store } from '../store/interfaces.js';
import { checkShardChangeTemplate, ScenarioError } from './scenario.js';

/**
 * Records the declared inventory of the emulator (the bootstrap file's or a scenario's
 * `inventory`, docs/scenarios.md, "Inventory"): each instance replaces what was stored for it,
 * its data-node passwords kept only as scrypt hashes. `project` names the instances' project
 * when they name none.
 */
export async function applyInventory(
  deps: { store: Store; clock: Clock },
  declaration: InventoryDeclaration,
  source: string,
  project?: string,
): Promise<void> {
  const { store, clock } = deps;
  for (const [i, instance] of declaration.instances.entries()) {
    const ref = instance.project ?? project;
    const path = `inventory.instances[${i}]`;
    if (ref === undefined)
      throw new ScenarioError(source, `${path}.project is required: the instance has no project.`);
    const found =
      (await store.findProject({ id: ref })) ??
      (await store.findProject({ name: ref, domainId: DEFAULT_DOMAIN }));
    if (!found) throw new ScenarioError(source, `${path}.project names no project: "${inputExcerpt(ref)}".`);
    const template = instance.shard_change
      ? JSON.stringify(checkShardChangeTemplate(instance.shard_change, `${path}.shard_change`, source))
      : null;
    const accounts = [];
    for (const account of instance.data_node_credentials ?? [])
      accounts.push({
        id: account.id,
        user: account.user,
        passwordHash: await hashPassword(account.password),
      });
    await store.putInventory({
      ...inventoryFrom(found.id, instance.id, instance, clock.now()),
      otherSchemas: instance.other_schemas ?? 'default',
      accounts,
      template,
    });
  }
}
