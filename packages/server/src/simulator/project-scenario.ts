import { DEFAULT_DOMAIN } from '../identity/ids.js';
import type { IdentityStore } from '../store/interfaces.js';
import type { Scenario } from './scenario.js';

/**
 * The part of a scenario that records tasks in one project: what the emulator's reset of that
 * project applies again. Its inventory is left out (a project's reset keeps the inventory), and a
 * task naming a project that does not exist is not that project's.
 */
export async function scenarioOfProject(
  store: Pick<IdentityStore, 'findProject'>,
  scenario: Scenario,
  projectId: string,
): Promise<Scenario> {
  const resolved = new Map<string, string | undefined>();
  const idOf = async (ref: string) => {
    if (!resolved.has(ref)) {
      const project =
        (await store.findProject({ id: ref })) ??
        (await store.findProject({ name: ref, domainId: DEFAULT_DOMAIN }));
      resolved.set(ref, project?.id);
    }
    return resolved.get(ref);
  };
  const tasks = [];
  for (const task of scenario.tasks) {
    const ref = task.project ?? scenario.project;
    if (ref !== undefined && (await idOf(ref)) === projectId) tasks.push(task);
  }
  return { source: scenario.source, project: scenario.project, tasks };
}
