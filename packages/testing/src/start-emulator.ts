import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { EmulatorClock, type Instant, toEpochMs } from './clock.js';
import { findCommand } from './command.js';
import { credentialKey } from './credential-key.js';
import { addFault, type Fault, type FaultRule } from './faults.js';
import { type Bootstrap, mergeBootstrap, type Tenant } from './identities.js';
import { type RunningServe, runServe, type ServeChild, stopServe } from './serve-child.js';
import { ServiceApi } from './service-api.js';
import { createTenant } from './tenants.js';

export interface EmulatorOptions {
  /** A scenario (docs/scenarios.md): a YAML or JSON file's path, or the document itself. */
  scenario?: string | Record<string, unknown>;
  /** `virtual` (the default): the clock stands still until the test moves it; or `real`. */
  clock?: 'virtual' | 'real';
  /** Where the virtual clock starts (default: now). */
  clockStart?: Instant;
  /**
   * Identities to declare beside the emulator's own (docs/identity.md): a YAML or JSON file's
   * path, or the document itself. Its project `default`, if declared, stays the default tenant's.
   */
  bootstrap?: string | Bootstrap;
  /** A snapshot to start from (`emu.snapshot()`'s document, or a file `ddm-jobs emulator save` wrote). */
  snapshot?: string | Record<string, unknown>;
  /**
   * The credential key file (`--credential-key-file`), created when missing. Default: one key
   * for every emulator of this test process. A snapshot restores only with the key of the
   * emulator that saved it, and the helper's identities derive from the key, so an emulator
   * started from a snapshot saved in another process needs that emulator's key file.
   */
  credentialKeyFile?: string;
  /** Record the demo's tasks in project `default` too (off by default: a test starts empty). */
  demo?: boolean;
  /** Further `ddm-jobs serve` flags, e.g. `['--time-zone', 'Europe/Berlin']`. */
  args?: string[];
  /**
   * The `ddm-jobs` command to run. Default: `DDM_JOBS_COMMAND`, else the `ddm-jobs` package
   * installed beside this one, else the ddm-jobs repository's built CLI, else `ddm-jobs` on the PATH.
   */
  command?: string;
  /** How long the start may take before it fails (30 s). */
  timeoutMs?: number;
  /** Given everything the server prints, as it prints it (its JSON log lines). */
  onOutput?: (text: string) => void;
}

/** A running emulator: `ddm-jobs serve --emulator` in a child process, on a folder of its own. */
export interface Emulator {
  /** The DDM endpoint, `http://127.0.0.1:PORT` (DDM_ENDPOINT). */
  endpoint: string;
  /** Keystone's URL, `http://127.0.0.1:PORT/v3` (OS_AUTH_URL). */
  authUrl: string;
  /** A tenant ready at start: project `default` (where scenarios record their tasks). */
  defaultTenant: Tenant;
  /** A fresh tenant: its own project, a te_admin user on it, an access key. */
  tenant(options?: { name?: string }): Promise<Tenant>;
  /** Options for `new DdmClient(...)` (`@ddm-jobs/client`): the tenant's access key, the emulator's clock. */
  clientOptions(tenant?: Tenant): {
    endpoint: string;
    projectId: string;
    auth: { accessKey: string; secretKey: string };
    now: () => number;
  };
  clock: EmulatorClock;
  /**
   * Records a scenario's tasks now (`POST /internal/v1/scenarios`, docs/scenarios.md), e.g. in a
   * fresh tenant's project (`project: tenant.projectId`); answers their ids.
   */
  scenario(scenario: Record<string, unknown>): Promise<string[]>;
  /** Adds a fault rule (docs/api.md, "Faults"); `remove()` on the answer takes it away. */
  fault(rule: FaultRule): Promise<Fault>;
  /** Removes every fault rule. */
  clearFaults(): Promise<void>;
  /** Empties the tasks (of one project only, with `projectId`) and applies the declared files again. */
  reset(options?: { projectId?: string }): Promise<unknown>;
  /** The emulator's whole state (`GET /internal/v1/snapshot`), to restore later or start from. */
  snapshot(): Promise<Record<string, unknown>>;
  /** Puts a snapshot's state back (`POST /internal/v1/snapshot`), the clock included. */
  restore(snapshot: Record<string, unknown>): Promise<void>;
  /** The internal API as the emulator's service user, for anything else (`/internal/v1/...`). */
  api: ServiceApi;
  /** The temporary data folder, removed by `stop()`. */
  dataDir: string;
  /** The credential key file it runs with (to start another emulator from its snapshots). */
  credentialKeyFile: string;
  /** The process id of the server. */
  pid: number;
  /** What the server printed so far (its JSON log lines), the last 256 KiB. */
  output(): string;
  /** Stops the server (SIGTERM, then waits) and removes its folder. Safe to call twice. */
  stop(): Promise<void>;
}

/** Emulators not stopped yet: killed, and their folders removed, should the test process end first. */
const running = new Map<ServeChild, string>();
let exitHook = false;
function removeAtExit(child: ServeChild, dir: string): void {
  running.set(child, dir);
  if (exitHook) return;
  exitHook = true;
  process.once('exit', () => {
    for (const [orphan, folder] of running) {
      orphan.kill('SIGKILL');
      rmSync(folder, { recursive: true, force: true });
    }
  });
}

const readDocument = (path: string): Bootstrap => parseYaml(readFileSync(path, 'utf8')) as Bootstrap;

/** A file only this user may read: it holds passwords, or a snapshot's sealed keys. */
function writePrivate(path: string, value: unknown): string {
  writeFileSync(path, JSON.stringify(value), { mode: 0o600 });
  chmodSync(path, 0o600);
  return path;
}

/**
 * Starts `ddm-jobs serve --emulator --port 0` on a temporary folder and resolves once it
 * listens, with a default tenant, the clock, faults, resets and snapshots at hand.
 *
 * @example
 * const emu = await startEmulator({ scenario: 'scenarios/healthy-migration.yaml' });
 * await emu.clock.advance(600_000);
 * await emu.stop();
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ddm-jobs-emulator-'));
  try {
    const own = typeof options.bootstrap === 'string' ? readDocument(options.bootstrap) : options.bootstrap;
    const key = credentialKey(options.credentialKeyFile);
    const { bootstrap, identities } = mergeBootstrap(own, key.key);
    const virtual = (options.clock ?? 'virtual') === 'virtual';
    const start = options.clockStart === undefined ? Date.now() : toEpochMs(options.clockStart);
    const args = ['--emulator', '--host', '127.0.0.1', '--port', '0', '--data-dir', dataDir];
    args.push('--bootstrap', writePrivate(join(dataDir, 'bootstrap.json'), bootstrap));
    args.push(
      '--credential-key-file',
      key.file,
      '--log-format',
      'json',
      '--clock',
      virtual ? 'virtual' : 'real',
    );
    // The helper sets the start itself, so that it knows the virtual clock without asking.
    if (virtual) args.push('--clock-start', String(start));
    if (!options.demo) args.push('--no-demo');
    if (options.scenario !== undefined)
      args.push(
        '--scenario',
        typeof options.scenario === 'string'
          ? options.scenario
          : writePrivate(join(dataDir, 'scenario.json'), options.scenario),
      );
    if (options.snapshot !== undefined)
      args.push(
        '--snapshot',
        typeof options.snapshot === 'string'
          ? options.snapshot
          : writePrivate(join(dataDir, 'snapshot.json'), options.snapshot),
      );
    args.push(...(options.args ?? []));
    const served = await runServe(findCommand(options.command), args, {
      timeoutMs: options.timeoutMs ?? 30_000,
      onOutput: options.onOutput,
    });
    removeAtExit(served.child, dataDir);
    const emulator = emulatorOf(served, dataDir, key.file, identities, virtual, start);
    // A snapshot brings its own clock: the virtual clock stands where the saved one stood.
    if (options.snapshot !== undefined)
      await emulator.clock.read().catch(async (error: unknown) => {
        await emulator.stop();
        throw error;
      });
    return emulator;
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}

function emulatorOf(
  { child, url, output }: RunningServe,
  dataDir: string,
  credentialKeyFile: string,
  identities: ReturnType<typeof mergeBootstrap>['identities'],
  virtual: boolean,
  start: number,
): Emulator {
  const endpoint = url.replace(/\/+$/, '');
  const authUrl = `${endpoint}/v3`;
  const api = new ServiceApi(endpoint, identities.service);
  const clock = new EmulatorClock(api, virtual, start);
  const defaultTenant: Tenant = { ...identities.tenant, authUrl, endpoint };
  let stopping: Promise<void> | undefined;
  return {
    endpoint,
    authUrl,
    defaultTenant,
    tenant: (tenantOptions) => createTenant(api, tenantOptions?.name),
    clientOptions: (tenant = defaultTenant) => ({
      endpoint,
      projectId: tenant.projectId,
      auth: { accessKey: tenant.accessKey, secretKey: tenant.secretKey },
      now: clock.now,
    }),
    clock,
    scenario: async (scenario) =>
      (await api.call<{ jobs: string[] }>('POST', '/internal/v1/scenarios', scenario, [201])).jobs,
    fault: (rule) => addFault(api, rule),
    clearFaults: async () => {
      await api.call('DELETE', '/internal/v1/faults', undefined, [204]);
    },
    reset: (resetOptions) =>
      api.call(
        'POST',
        '/internal/v1/reset',
        resetOptions?.projectId === undefined ? undefined : { project_id: resetOptions.projectId },
      ),
    snapshot: () => api.call<Record<string, unknown>>('GET', '/internal/v1/snapshot'),
    restore: async (snapshot) => {
      await api.call('POST', '/internal/v1/snapshot', snapshot);
      await clock.read();
    },
    api,
    dataDir,
    credentialKeyFile,
    pid: child.pid ?? 0,
    output,
    stop: () => {
      stopping ??= stopServe(child).then(() => {
        running.delete(child);
        rmSync(dataDir, { recursive: true, force: true });
      });
      return stopping;
    },
  };
}
