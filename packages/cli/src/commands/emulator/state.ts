import { lstatSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../../tenant/usage-error.js';

// Where `ddm-jobs emulator start` records the emulator it started, for `stop` and `save` to find:
// one JSON file per emulator name, readable by its owner alone (it holds the service user's
// password), in a folder of the user's own.

/** The state of one background emulator (docs/testing.md). */
export interface EmulatorState {
  version: 1;
  name: string;
  pid: number;
  url: string;
  data_dir: string;
  /** Whether `start` made the data folder (then `stop` removes it). */
  owns_data_dir: boolean;
  /** The default tenant's project (`default`). */
  project_id: string;
  /** A user with role `service` on project `default`: the clock, resets, faults, snapshots. */
  service: { username: string; password: string; domain: string; project: string };
}

/** Names of emulators: what a file name may hold. */
export const NAME_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The state folder: DDM_JOBS_EMULATOR_STATE_DIR, else $XDG_RUNTIME_DIR/ddm-jobs, else
 * ddm-jobs-UID in the temporary folder.
 */
export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.DDM_JOBS_EMULATOR_STATE_DIR) return env.DDM_JOBS_EMULATOR_STATE_DIR;
  if (env.XDG_RUNTIME_DIR) return join(env.XDG_RUNTIME_DIR, 'ddm-jobs');
  return join(tmpdir(), `ddm-jobs-${process.getuid?.() ?? 'user'}`);
}

export function stateFile(name: string): string {
  if (!NAME_PATTERN.test(name))
    throw new UsageError(`--name must be 1 to 64 of A-Z a-z 0-9 _ -, not '${name}'`);
  return join(stateDir(), `emulator-${name}.json`);
}

/**
 * The state folder, made when missing (mode 0700). In a shared temporary folder another user
 * could have made it first to read what is written there: one not owned by this user, or open
 * to others, is refused.
 */
function ownStateDir(): string {
  const dir = stateDir();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const stat = lstatSync(dir);
  const uid = process.getuid?.();
  if (!stat.isDirectory() || (uid !== undefined && stat.uid !== uid) || (stat.mode & 0o077) !== 0)
    throw new UsageError(
      `the emulator state folder ${dir} must be a folder of yours that only you can open (mode 0700); set DDM_JOBS_EMULATOR_STATE_DIR to another`,
    );
  return dir;
}

export function writeEmulatorState(state: EmulatorState): string {
  ownStateDir();
  const file = stateFile(state.name);
  const draft = `${file}.${process.pid}.tmp`;
  writeFileSync(draft, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  renameSync(draft, file);
  return file;
}

/** The recorded state of emulator `name`, or undefined when none was started (or it was stopped). */
export function readEmulatorState(name = 'default'): EmulatorState | undefined {
  let text: string;
  try {
    text = readFileSync(stateFile(name), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const state = JSON.parse(text) as EmulatorState;
  if (state.version !== 1) throw new UsageError(`${stateFile(name)} is not a state file of this ddm-jobs`);
  return state;
}

export function removeEmulatorState(name: string): void {
  rmSync(stateFile(name), { force: true });
}
