import { join } from 'node:path';
import { PACKAGE_ROOT } from '../install/package-root.js';
import { type ApplyDeps, applyScenario } from './apply.js';
import { readScenarioFile } from './scenario.js';

/**
 * The demo scenario, shipped inside the package (`scenarios/demo.yaml` of @ddm-jobs/server in the
 * repository, of `ddm-jobs` once installed): found from the code's own location, never the
 * working directory.
 */
export const DEMO_SCENARIO_FILE = join(PACKAGE_ROOT, 'scenarios', 'demo.yaml');

/**
 * Records the demo tasks in a project: the three of the documented example, moved to the last
 * hours, and tasks that the simulator moves along over the next minutes. Fixed ids make it run
 * once per database, however many nodes start on it at once (they take turns: declarations.ts).
 * Answers the ids of the tasks it recorded.
 */
export async function recordDemoTasks(deps: ApplyDeps, projectId: string): Promise<string[]> {
  const scenario = await readScenarioFile(DEMO_SCENARIO_FILE);
  const { jobs } = await applyScenario(deps, { ...scenario, project: projectId });
  return jobs;
}
