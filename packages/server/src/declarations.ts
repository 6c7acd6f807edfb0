import { createHash } from 'node:crypto';
import type { FaultRuleBody } from '@ddm-jobs/contract';
import type { Clock } from './clock/clock.js';
import type { CredentialVault } from './identity/aksk/credential-vault.js';
import {
  applyBootstrap,
  type BootstrapFile,
  createDefaultAdmin,
  type DefaultAdmin,
  readBootstrapFile,
} from './identity/bootstrap.js';
import { DEFAULT_DOMAIN } from './identity/ids.js';
import { createProducer } from './jobs/producer.js';
import { recordDemoTasks } from './simulator/demo.js';
import {
  applyInventory,
  applyScenario,
  checkInventoryDeclaration,
  copyId,
  readScenarioFile,
  type Scenario,
  scenarioOfProject,
} from './simulator/index.js';
import type { Store } from './store/interfaces.js';
import type { Project } from './store/records.js';

/** What a server is told to have at start: the files it reads, the first admin, the demo. */
export interface DeclarationOptions {
  bootstrapFile: string | undefined;
  scenarioFile?: string | undefined;
  /** The first admin's password (DDM_JOBS_ADMIN_PASSWORD); generated when not given. */
  adminPassword: string | undefined;
  demo: boolean;
  timeZone: string;
}

/** What applying the declarations at start found and did, for the notes printed to people. */
export interface StartOutcome {
  /** The admin this start created: a first start without a bootstrap file. */
  createdAdmin: DefaultAdmin | undefined;
  /** User admin of domain default was there already: a later start without a bootstrap file. */
  adminWasThere: boolean;
  defaultProject: Project | undefined;
}

export interface Declarations {
  /**
   * Applies everything declared: the bootstrap file's identities and inventory (or, without
   * one, the first admin), then the demo's and the scenario file's tasks. To be run under the
   * store's start-up lock, so that nodes starting at once apply them one after the other and
   * each finds what the one before wrote: one admin, each declared identity once, each task
   * with a fixed id once.
   */
  applyAtStart(): Promise<StartOutcome>;
  /** The emulator's reset (the tasks emptied before): the declared files again; the ids recorded. */
  reapply(): Promise<{ jobs: string[] }>;
  /** The scenario file's fault rules (`faults:`), for the emulator; none without a file. */
  faults: FaultRuleBody[];
  /**
   * The emulator's reset of one project (its tasks emptied before): the demo's tasks when it is
   * the default project, and the scenario file's tasks of that project, recorded again under
   * `lock` (the start-up lock) when there are any; the ids recorded. Identities stay as they are.
   */
  reapplyProject(
    projectId: string,
    lock: <T>(work: () => Promise<T>) => Promise<T>,
  ): Promise<{ jobs: string[] }>;
}

/**
 * Reads and checks the declared files, so that a bad one stops the start before the server
 * listens; nothing is written until `applyAtStart`.
 */
export async function readDeclarations(
  options: DeclarationOptions,
  deps: { store: Store; clock: Clock; vault: CredentialVault },
): Promise<Declarations> {
  const { store, clock, vault } = deps;
  const bootstrap: BootstrapFile | undefined = options.bootstrapFile
    ? await readBootstrapFile(options.bootstrapFile)
    : undefined;
  const scenario: Scenario | undefined = options.scenarioFile
    ? withDeclaredIds(await readScenarioFile(options.scenarioFile))
    : undefined;
  // The bootstrap file's shard-change inventory, checked before anything is applied.
  const inventory =
    bootstrap?.inventory && checkInventoryDeclaration(bootstrap.inventory, options.bootstrapFile as string);
  const simulation = { store, producer: createProducer(store, clock), clock, timeZone: options.timeZone };

  const applyDeclaredFiles = async () => {
    if (bootstrap) await applyBootstrap(store, bootstrap, clock, vault);
    if (inventory) await applyInventory({ store, clock }, inventory, options.bootstrapFile as string);
  };
  const defaultProject = () => store.findProject({ name: 'default', domainId: DEFAULT_DOMAIN });
  /** The demo's and the scenario file's tasks (tasks already there are kept). */
  const recordDeclaredTasks = async (project: Project | undefined) => {
    const jobs: string[] = [];
    if (options.demo && project) jobs.push(...(await recordDemoTasks(simulation, project.id)));
    if (scenario) jobs.push(...(await applyScenario(simulation, scenario)).jobs);
    return { jobs };
  };

  return {
    faults: scenario?.faults ?? [],
    async applyAtStart() {
      await applyDeclaredFiles();
      const createdAdmin = bootstrap
        ? undefined
        : await createDefaultAdmin(store, clock, options.adminPassword);
      const adminWasThere =
        !bootstrap &&
        !createdAdmin &&
        (await store.findUser({ name: 'admin', domainId: DEFAULT_DOMAIN })) !== undefined;
      const project = await defaultProject();
      await recordDeclaredTasks(project);
      return { createdAdmin, adminWasThere, defaultProject: project };
    },
    async reapply() {
      await applyDeclaredFiles();
      return recordDeclaredTasks(await defaultProject());
    },
    async reapplyProject(projectId, lock) {
      const demo = options.demo && (await defaultProject())?.id === projectId;
      const own = scenario && (await scenarioOfProject(store, scenario, projectId));
      if (!demo && !own?.tasks.length) return { jobs: [] };
      return lock(async () => {
        const jobs: string[] = [];
        if (demo) jobs.push(...(await recordDemoTasks(simulation, projectId)));
        if (own?.tasks.length) jobs.push(...(await applyScenario(simulation, own)).jobs);
        return { jobs };
      });
    },
  };
}

/**
 * The scenario file with an id for each task declared without one, derived from the file's tasks
 * and the task's place among them: like a task with a fixed id, it is then recorded once, whether
 * four nodes apply the file at once or a node restarts. (A scenario posted to the internal API
 * keeps random ids: each post records its tasks.)
 */
export function withDeclaredIds(scenario: Scenario): Scenario {
  // Not the file's name, which nodes on other machines may spell otherwise.
  const digest = createHash('sha256')
    .update(JSON.stringify([scenario.project, scenario.tasks]))
    .digest('hex');
  return {
    ...scenario,
    tasks: scenario.tasks.map((task, index) => (task.id ? task : { ...task, id: copyId(digest, index) })),
  };
}
