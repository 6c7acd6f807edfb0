import { readFile } from 'node:fs/promises';
import type { DataNodeAccount } from '@ddm-jobs/client';
import { Option } from 'commander';
import { yaml } from '../yaml.js';
import { UsageError } from './usage-error.js';

/**
 * The data-node accounts of `ddm-jobs precheck` and `ddm-jobs migrate INSTANCE DB` (docs/cli.md,
 * "Starting a shard change"). A password never comes from a flag's value, which the process list
 * and the shell history show: it comes piped on stdin, from `DDM_DATA_NODE_PASSWORD`, or from a
 * file of accounts.
 */
export interface AccountFlags {
  dataNode?: string[];
  user?: string;
  passwordStdin?: boolean;
  accountsFile?: string;
}

export const PASSWORD_VARIABLE = 'DDM_DATA_NODE_PASSWORD';

export const accountOptions = (): Option[] => [
  new Option('--data-node <id...>', 'a data node to move shards to (repeat, or separate with commas)'),
  new Option('--user <name>', 'the account the migration uses on the data nodes'),
  new Option('--password-stdin', `read the data nodes' password from stdin (else ${PASSWORD_VARIABLE})`),
  new Option(
    '--accounts-file <file>',
    'a YAML or JSON list of {id, user, password}, one per data node',
  ).conflicts(['dataNode', 'user', 'passwordStdin']),
];

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

const isAccount = (value: unknown): value is DataNodeAccount =>
  typeof value === 'object' &&
  value !== null &&
  ['id', 'user', 'password'].every((key) => typeof (value as Record<string, unknown>)[key] === 'string');

/** The accounts the flags give; a UsageError naming what is missing otherwise. */
export async function accountsOf(flags: AccountFlags): Promise<DataNodeAccount[]> {
  if (flags.accountsFile) {
    let parsed: unknown;
    try {
      parsed = yaml().parse(await readFile(flags.accountsFile, 'utf8'));
    } catch (error) {
      throw new UsageError(
        `--accounts-file ${flags.accountsFile} cannot be read (${(error as Error).message.split('\n')[0]}).`,
      );
    }
    if (!Array.isArray(parsed) || parsed.length === 0 || !parsed.every(isAccount))
      throw new UsageError('--accounts-file must hold a list of {id, user, password}, one per data node.');
    return parsed.map(({ id, user, password }) => ({ id, user, password }));
  }
  const ids = (flags.dataNode ?? []).flatMap((value) => value.split(',')).filter((id) => id !== '');
  if (ids.length === 0)
    throw new UsageError('name the data nodes with --data-node ID (or give --accounts-file).');
  if (!flags.user)
    throw new UsageError("give the data nodes' account with --user NAME (or give --accounts-file).");
  const password = flags.passwordStdin ? await readStdin() : process.env[PASSWORD_VARIABLE];
  if (!password)
    throw new UsageError(
      `give the data nodes' password on stdin with --password-stdin, or in ${PASSWORD_VARIABLE} (never as a flag).`,
    );
  return ids.map((id) => ({ id, user: flags.user as string, password }));
}
