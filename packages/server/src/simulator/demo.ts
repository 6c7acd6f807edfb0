import { fileURLToPath } from 'node:url';
import { type ApplyDeps, applyScenario } from './apply.js';
import { readScenarioFile } from './scenario.js';

/**
 * The demo scenario, shipped inside this package (`scenarios/demo.yaml` of @ddm-jobs/server): this
 * file lies as deep below the package's root in src/ as in dist/, so one relative path serves both,
 * in the repository and once installed.
 */
export const DEMO_SCENARIO_FILE = fileURLToPath(new URL('../../scenarios/demo.yaml', import.meta.url));

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
