import { readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { type Command, InvalidArgumentError, type Option } from 'commander';
import { yaml } from '../yaml.js';
import { databaseLocation } from './database-options.js';

/** Keys whose values are paths: a relative one is read from the configuration file's folder. */
const PATH_KEYS = new Set([
  'data-dir',
  'bootstrap',
  'scenario',
  'snapshot',
  'console-dir',
  'credential-key-file',
]);
/** Keys that may be a YAML list, joined into the flag's comma-separated value. */
const LIST_KEYS = new Set(['action-roles', 'trust-proxy']);
/** Keys whose values may hold a password: never repeated in a message. */
const SECRET_KEYS = new Set(['database-url']);

/** A configuration file that cannot be used: the start stops with exit 2 (main.ts). */
export class ConfigFileError extends Error {
  override name = 'ConfigFileError';
  readonly usage = true;
}

/** The file's key of an option: the long flag without `--` (and without `no-` for `--no-demo`). */
export function configKeyOf(option: Option): string | undefined {
  const name = option.long?.slice(2);
  if (!name || name === 'config' || name === 'help') return undefined;
  return option.negate ? name.slice(3) : name;
}

/**
 * `ddm-jobs serve --config FILE`: sets every option the command line and the environment left at
 * its default from the YAML mapping in FILE, through the option's own parser (the flag's, so the
 * two never disagree), recording `config` as its source. A flag beats its variable, which beats
 * the file, which beats the default. An unknown key, a value of the wrong shape or one the
 * parser refuses stops the start, naming the file and the key; `null` leaves the default.
 */
export function applyConfigFile(command: Command, file: string): void {
  const values = readMapping(file);
  const options = new Map<string, Option>();
  for (const option of command.options) {
    const key = configKeyOf(option);
    if (key) options.set(key, option);
  }
  for (const [key, raw] of Object.entries(values)) {
    const option = options.get(key);
    if (!option)
      throw new ConfigFileError(
        `${file}: unknown key "${key}" (the keys are the flags of ddm-jobs serve without --: docs/configuration.md).`,
      );
    if (raw === null || raw === undefined) continue;
    const attribute = option.attributeName();
    const source = command.getOptionValueSource(attribute);
    if (source === 'cli' || source === 'env') continue;
    command.setOptionValueWithSource(attribute, optionValueOf(file, key, option, raw), 'config');
  }
  warnIfPasswordReadable(file, values['database-url']);
}

function readMapping(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'an error';
    throw new ConfigFileError(`${file}: cannot read the configuration file (${code}).`);
  }
  let parsed: unknown;
  try {
    parsed = yaml().parse(text);
  } catch (error) {
    if (!(error instanceof yaml().YAMLParseError)) throw error;
    // The message's excerpt of the file is left out: it could show a password.
    const [at] = error.linePos ?? [];
    const where = at ? ` at line ${at.line}, column ${at.col}` : '';
    throw new ConfigFileError(`${file}: not valid YAML${where} (${error.message.split(' at line')[0]}).`);
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed))
    throw new ConfigFileError(`${file}: must be a YAML mapping of keys to values, e.g. "port: 8080".`);
  return parsed as Record<string, unknown>;
}

/** A key's value as the option holds it: what its flag would give for the same text. */
function optionValueOf(file: string, key: string, option: Option, raw: unknown): unknown {
  const refuse = (problem: string) => new ConfigFileError(`${file}: key "${key}" ${problem}`);
  if (option.isBoolean() || option.negate) {
    if (typeof raw !== 'boolean') throw refuse('must be true or false.');
    return option.negate ? raw : raw || undefined;
  }
  const text = textOf(key, raw);
  if (text === undefined)
    throw refuse(
      LIST_KEYS.has(key)
        ? 'must be a list of strings or one comma-separated string.'
        : 'must be a string or a number.',
    );
  if (key === 'database-url') {
    try {
      databaseLocation({ dataDir: '.', databaseUrl: text });
    } catch {
      throw refuse(
        'must be a postgres:// or postgresql:// URL (its value is not repeated: it may hold a password).',
      );
    }
  }
  const value = PATH_KEYS.has(key) && !isAbsolute(text) ? resolve(dirname(resolve(file)), text) : text;
  if (!option.parseArg) return value;
  try {
    return option.parseArg(value, undefined);
  } catch (error) {
    if (!(error instanceof InvalidArgumentError)) throw error;
    const shown = SECRET_KEYS.has(key) ? '' : ` '${text}'`;
    throw refuse(`has a bad value${shown}: ${error.message}`);
  }
}

function textOf(key: string, raw: unknown): string | undefined {
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'number' && Number.isFinite(raw)) return String(raw);
  if (LIST_KEYS.has(key) && Array.isArray(raw) && raw.every((item) => typeof item === 'string'))
    return raw.join(',');
  return undefined;
}

/**
 * A database password in a file others may read is told (not refused: the operator may have
 * reasons, such as a group of administrators), as ssh and libpq do for their key and password files.
 */
function warnIfPasswordReadable(file: string, databaseUrl: unknown): void {
  if (typeof databaseUrl !== 'string') return;
  let password = '';
  try {
    password = new URL(databaseUrl).password;
  } catch {
    return;
  }
  const mode = statSync(file).mode & 0o777;
  if (password === '' || (mode & 0o077) === 0) return;
  process.stderr.write(
    `ddm-jobs: warning: ${file} holds a database password and other users may read it (mode ${mode.toString(8)}): chmod 600 ${file}\n`,
  );
}
