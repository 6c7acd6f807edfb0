import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  DEFAULT_DOMAIN,
  type Domain,
  openStore,
  type Project,
  SQLITE_FILE,
  type Store,
  systemClock,
  type User,
} from '@ddm-jobs/server/admin';
import { type Command, Option } from 'commander';
import { type DatabaseOptions, databaseLocation } from '../database-options.js';
import { IamError } from './iam-error.js';

export const dataDirOption = () =>
  new Option('--data-dir <dir>', 'data folder (the same as the server’s; it may be running)')
    .env('DDM_JOBS_DATA_DIR')
    .default('./data');

/** What an `iam` command works with: the store of the data folder, and lookups by name. */
export interface Iam {
  store: Store;
  now(): number;
  print(line: string): void;
  domain(name: string): Promise<Domain>;
  project(name: string, domain: string): Promise<Project>;
  user(name: string, domain: string): Promise<User>;
}

const print = (line: string) => process.stdout.write(`${line}\n`);

/**
 * Opens the store of the data folder, or the PostgreSQL database of `--database-url` (given on
 * `iam` or on the command itself), runs `work` and closes it. Only commands that create something
 * may create the SQLite file: a list or a change on a mistyped folder fails instead of answering
 * from a new empty one. The server's WAL mode and busy timeout let this run while a server writes
 * to the same file.
 */
export async function withIam<T>(
  command: Command,
  mode: 'may-create' | 'existing',
  work: (iam: Iam) => Promise<T>,
): Promise<T> {
  const location = databaseLocation(command.optsWithGlobals<DatabaseOptions>());
  const { dataDir } = location;
  const sqliteFile = join(dataDir, SQLITE_FILE);
  if (!location.databaseUrl && !existsSync(sqliteFile)) {
    if (mode === 'existing')
      throw new IamError(`no database in ${dataDir} (start the server on it, or create an identity first)`);
    // On stderr, so that stdout stays the command's answer: a mistyped --data-dir shows at once.
    process.stderr.write(`ddm-jobs: no database in ${dataDir}: creating ${sqliteFile}\n`);
  }
  const store = await openStore(location);
  try {
    const now = () => systemClock.now();
    // Every name without a domain belongs to `default`, which the server also creates at start.
    if (mode === 'may-create' && !(await store.findDomain({ name: DEFAULT_DOMAIN }))) {
      await store.createDomain({ id: DEFAULT_DOMAIN, name: DEFAULT_DOMAIN }, now());
    }
    const domain = async (name: string) => {
      const found = await store.findDomain({ name });
      if (!found) throw new IamError(`domain ${name} not found`);
      return found;
    };
    return await work({
      store,
      now,
      print,
      domain,
      async project(name, domainName) {
        const found = await store.findProject({ name, domainId: (await domain(domainName)).id });
        if (!found) throw new IamError(`project ${name} not found in domain ${domainName}`);
        return found;
      },
      async user(name, domainName) {
        const found = await store.findUser({ name, domainId: (await domain(domainName)).id });
        if (!found) throw new IamError(`user ${name} not found in domain ${domainName}`);
        return found;
      },
    });
  } finally {
    await store.close();
  }
}
