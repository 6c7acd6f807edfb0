import type { Simulator } from './simulator.js';

export { type ApplyDeps, applyScenario, copyId } from './apply.js';
export {
  DEFAULT_INSTANCE,
  parseScenario,
  readScenarioFile,
  type Scenario,
  ScenarioError,
  type ScenarioTaskPlan,
} from './scenario.js';
export { createSimulator, type Simulator, type SimulatorDeps } from './simulator.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The producer of simulated tasks: the clock routes tick it after moving the clock. */
    simulator: Simulator;
  }
}
