import { fileURLToPath } from 'node:url';
import { type ApplyDeps, applyScenario, readScenarioFile } from '../simulator/index.js';

/** scenarios/demo.yaml of the repository: the same depth below it from src/ and from dist/. */
export const DEMO_SCENARIO_FILE = fileURLToPath(new URL('../../../../scenarios/demo.yaml', import.meta.url));

/**
 * Records the demo tasks in a project: the three of the documented example, moved to the last
 * hours, and tasks that the simulator moves along over the next minutes (scenarios/demo.yaml).
 * Fixed ids make it run once per data folder. Answers the ids of the tasks it recorded.
 */
export async function recordDemoTasks(deps: ApplyDeps, projectId: string): Promise<string[]> {
  const scenario = await readScenarioFile(DEMO_SCENARIO_FILE);
  const { jobs } = await applyScenario(deps, { ...scenario, project: projectId });
  return jobs;
}
