export { type ApplyDeps, applyScenario, copyId } from './apply.js';
export { applyInventory } from './inventory.js';
export { scenarioOfProject } from './project-scenario.js';
export { createReadCounter, type ReadCounter } from './read-counts.js';
export {
  checkInventoryDeclaration,
  DEFAULT_INSTANCE,
  parseScenario,
  readScenarioFile,
  type Scenario,
  ScenarioError,
  type ScenarioTaskPlan,
} from './scenario.js';
export { createSimulator, type Simulator, type SimulatorDeps } from './simulator.js';
