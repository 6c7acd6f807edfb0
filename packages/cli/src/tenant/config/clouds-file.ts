import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { yaml } from '../../yaml.js';
import { UsageError } from '../usage-error.js';

/** Where a process looks for files: its environment, working folder and home folder. */
export interface Surroundings {
  env: NodeJS.ProcessEnv;
  cwd: string;
  home: string;
}

/** One cloud of clouds.yaml, with secure.yaml merged in, and the file(s) it came from. */
export interface CloudEntry {
  name: string;
  /** The cloud's mapping: `auth:` and the other keys, as written. */
  config: Record<string, unknown>;
  /** For messages: the clouds file, plus the secure file when one was merged. */
  source: string;
}

const SUFFIXES = ['.yaml', '.yml', '.json'];

/**
 * The folders openstacksdk searches, in its order, so one clouds.yaml serves the `openstack`
 * command and this one: the working folder, the user's config folder ($XDG_CONFIG_HOME/openstack,
 * else ~/.config/openstack, and ~/.config/openstack as well), then /etc/openstack.
 */
export function searchFolders({ env, cwd, home }: Surroundings): string[] {
  const userConfig = join(env.XDG_CONFIG_HOME || join(home, '.config'), 'openstack');
  const folders = [cwd, userConfig, join(home, '.config', 'openstack'), '/etc/openstack'];
  return [...new Set(folders)];
}

/** Every path tried for `base` (clouds or secure), the environment's file first, as openstacksdk does. */
export function candidates(base: 'clouds' | 'secure', surroundings: Surroundings): string[] {
  const variable = base === 'clouds' ? 'OS_CLIENT_CONFIG_FILE' : 'OS_CLIENT_SECURE_FILE';
  const fromEnv = surroundings.env[variable];
  const found = searchFolders(surroundings).flatMap((folder) =>
    SUFFIXES.map((suffix) => join(folder, base + suffix)),
  );
  return fromEnv ? [fromEnv, ...found] : found;
}

function readMapping(file: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = yaml().parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new UsageError(`${file}: cannot be read as YAML: ${reason}`);
  }
  if (parsed === null || parsed === undefined) return {};
  if (!isMapping(parsed)) throw new UsageError(`${file}: must be a mapping with a "clouds:" key.`);
  return parsed;
}

export function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** openstacksdk merges secure.yaml into clouds.yaml key by key, at every depth. */
function mergeDeep(base: Record<string, unknown>, extra: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(extra)) {
    const current = merged[key];
    merged[key] = isMapping(current) && isMapping(value) ? mergeDeep(current, value) : value;
  }
  return merged;
}

function cloudsOf(file: string, document: Record<string, unknown>): Record<string, unknown> {
  const clouds = document.clouds ?? {};
  if (!isMapping(clouds)) throw new UsageError(`${file}: "clouds:" must map cloud names to their settings.`);
  return clouds;
}

/**
 * The cloud `name` from the first clouds file found (the first only, as openstacksdk reads it)
 * with the first secure file's entry for it merged over it. A usage error when no file exists
 * or the cloud is not in it, naming where it looked or which clouds there are.
 */
export function loadCloud(name: string, surroundings: Surroundings): CloudEntry {
  const tried = candidates('clouds', surroundings);
  const file = tried.find((path) => existsSync(path));
  if (file === undefined)
    throw new UsageError(
      `cloud "${name}" was asked for (--os-cloud or OS_CLOUD), but no clouds.yaml was found; looked for:\n  ${tried.join('\n  ')}`,
    );
  const clouds = cloudsOf(file, readMapping(file));
  const secureFile = candidates('secure', surroundings).find((path) => existsSync(path));
  const secure = secureFile === undefined ? {} : cloudsOf(secureFile, readMapping(secureFile));
  const entry = clouds[name];
  const secureEntry = secure[name];
  if (entry === undefined && secureEntry === undefined) {
    const names = Object.keys(clouds);
    throw new UsageError(
      `cloud "${name}" is not in ${file} (${names.length ? `its clouds: ${names.join(', ')}` : 'it names no cloud'}).`,
    );
  }
  for (const [path, value] of [
    [file, entry],
    [secureFile, secureEntry],
  ] as const)
    if (value !== undefined && value !== null && !isMapping(value))
      throw new UsageError(`${path}: clouds.${name} must be a mapping of settings.`);
  const config = mergeDeep(isMapping(entry) ? entry : {}, isMapping(secureEntry) ? secureEntry : {});
  const source = isMapping(secureEntry) ? `${file} (with ${secureFile})` : file;
  return { name, config, source };
}
