import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { assertTimeZone } from '@ddm-jobs/contract';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { buildApp } from './app.js';
import { type Clock, systemClock, VirtualClock } from './clock/clock.js';
import { readDeclarations, type StartOutcome } from './declarations.js';
import { CREDENTIAL_KEY_FILE, openCredentialVault } from './identity/aksk/credential-vault.js';
import { externalIamChecker } from './identity/external-iam.js';
import { listenFailure } from './listen-failure.js';
import { createLogger, type LogFormat } from './logger.js';
import { prettyLogStream } from './pretty-log.js';
import { DEFAULT_CONSOLE_DIR } from './routes/console.js';
import { ScenarioError } from './simulator/index.js';
import { readSnapshotFile } from './snapshot/file.js';
import { restoreSnapshot } from './snapshot/snapshot.js';
import type { Store } from './store/interfaces.js';
import { describeStore, openStore } from './store/open-store.js';
import type { RateLimits } from './throttling/throttling.js';

export interface ServeOptions {
  host: string;
  port: number;
  /** The data folder: the SQLite file (without `databaseUrl`) and `credential.key`. */
  dataDir: string;
  /** A PostgreSQL URL: the tasks and identities live there, shared by every node given it. */
  databaseUrl?: string | undefined;
  /** The PostgreSQL schema holding the tables; the store's default when not given. */
  databaseSchema?: string | undefined;
  bootstrapFile: string | undefined;
  adminPassword: string | undefined;
  demo: boolean;
  timeZone: string;
  publicUrl: string | undefined;
  region: string;
  /** A Keystone-compatible IAM that vouches for `X-Auth-Token` instead of the local identities. */
  iamUrl?: string | undefined;
  /** The key file sealing the secret keys of access keys; `credential.key` in the data folder by default. */
  credentialKeyFile?: string | undefined;
  /** Requests a second per credential and per source address, per node (0: no limit). */
  rateLimits?: RateLimits | undefined;
  /** Days tasks are kept past the 30-day window before they are purged; 7 by default. */
  retentionGraceDays?: number | undefined;
  /** Days the change feed's entries are kept; 2 by default. */
  feedRetentionDays?: number | undefined;
  /** Event streams open at once per user on this node (10 by default); 0: no limit. */
  maxStreamsPerUser?: number | undefined;
  /** The roles that may change tasks (`--action-roles`); `te_admin` by default. */
  actionRoles?: readonly string[] | undefined;
  /** `virtual`: the emulator's clock, standing still at `clockStart` until moved; `real` by default. */
  clock?: 'real' | 'virtual' | undefined;
  /** Where the virtual clock starts (epoch ms); now by default. */
  clockStart?: number | undefined;
  /** The emulator: `POST /internal/v1/reset` empties the tasks and applies the declared files again. */
  emulator?: boolean | undefined;
  /**
   * A snapshot file (`--snapshot`, emulator only): the state it holds replaces the database's at
   * start, in place of the declared files (a reset applies those as usual).
   */
  snapshotFile?: string | undefined;
  /** A scenario file (YAML or JSON) whose tasks the simulator produces; applied at start and on reset. */
  scenarioFile?: string | undefined;
  /** The built console served under /console/; packages/console/dist by default. */
  consoleDir?: string | undefined;
  logLevel: string;
  /** `json` (the default): one JSON line per log record; `pretty`: lines for people (pretty-log.ts). */
  logFormat?: LogFormat | undefined;
  /** Addresses or CIDRs of trusted reverse proxies (`--trust-proxy`): see AppOptions.trustProxy. */
  trustProxy?: readonly string[] | undefined;
  /** Where the start-up notes for people go (the URL, a curl example). */
  print: (line: string) => void;
  /**
   * Where the generated admin password goes, shown once: `print` by default. With JSON logs the
   * CLI gives stderr, so that the password is in no log record.
   */
  printSecret?: ((line: string) => void) | undefined;
}

export interface RunningServer {
  app: FastifyInstance;
  store: Store;
  url: string;
  close(): Promise<void>;
}

/**
 * Opens the store, reads the declared files, listens, then applies the declarations (identities,
 * the first admin, the demo and scenario tasks) under the store's start-up lock: a port already
 * taken stops the start before anything is written, and nodes starting at once on one database
 * take turns. Requests that arrive meanwhile wait for that work (http/startup-gate.ts). `ddm-jobs
 * listening on URL` is printed once it is done.
 */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  assertTimeZone(options.timeZone);
  const clock: Clock =
    options.clock === 'virtual' ? new VirtualClock(options.clockStart ?? Date.now()) : systemClock;
  const logger: Logger = createLogger(
    options.logLevel,
    options.logFormat === 'pretty' ? prettyLogStream(process.stdout) : undefined,
  );
  const location = {
    dataDir: options.dataDir,
    databaseUrl: options.databaseUrl,
    databaseSchema: options.databaseSchema,
  };
  const store = await openStore(location);
  const credentialVault = openCredentialVault(
    options.credentialKeyFile ?? join(options.dataDir, CREDENTIAL_KEY_FILE),
  );
  // Settled once the declarations are applied; requests that arrive before wait for it.
  let startupDone: () => void = () => {};
  let startupFailed: (error: unknown) => void = () => {};
  const startup = new Promise<void>((resolve, reject) => {
    startupDone = resolve;
    startupFailed = reject;
  });
  // Only the gate awaits it; a start that fails before the app exists throws below instead.
  startup.catch(() => {});
  let app: FastifyInstance | undefined;
  try {
    const declarations = await readDeclarations(options, { store, clock, vault: credentialVault });
    // Read and checked before anything is written; restored before the app reads the token key.
    const snapshot = options.snapshotFile ? await readSnapshotFile(options.snapshotFile, options) : undefined;
    if (snapshot) {
      const deps = { store, clock, vault: credentialVault };
      await store.withStartupLock(() => restoreSnapshot(deps, snapshot, { withSharedSecrets: true }));
      options.print(`Restored the snapshot ${options.snapshotFile} (saved ${snapshot.saved_at})`);
    }
    // The emulator's reset applies them again, taking its turn with nodes that start meanwhile.
    const emulator = {
      reapply: () => store.withStartupLock(() => declarations.reapply()),
      reapplyProject: (projectId: string) =>
        declarations.reapplyProject(projectId, (work) => store.withStartupLock(work)),
    };
    if (declarations.faults.length && !options.emulator)
      throw new ScenarioError(
        options.scenarioFile as string,
        "faults are the emulator's: start the server with --emulator (or DDM_JOBS_EMULATOR=1).",
      );

    app = await buildApp({
      store,
      clock,
      logger,
      startup,
      declaredFaults: declarations.faults,
      timeZone: options.timeZone,
      region: options.region,
      credentialVault,
      ...(options.emulator ? { emulator } : {}),
      ...(options.rateLimits ? { rateLimits: options.rateLimits } : {}),
      ...(options.retentionGraceDays === undefined ? {} : { retentionGraceDays: options.retentionGraceDays }),
      ...(options.feedRetentionDays === undefined ? {} : { feedRetentionDays: options.feedRetentionDays }),
      ...(options.maxStreamsPerUser === undefined ? {} : { maxStreamsPerUser: options.maxStreamsPerUser }),
      ...(options.actionRoles ? { actionRoles: options.actionRoles } : {}),
      ...(options.publicUrl ? { publicUrl: options.publicUrl } : {}),
      ...(options.consoleDir ? { consoleDir: options.consoleDir } : {}),
      ...(options.trustProxy?.length ? { trustProxy: options.trustProxy } : {}),
      ...(options.iamUrl ? { tokenChecker: externalIamChecker({ url: options.iamUrl, clock }) } : {}),
    });
    if (options.iamUrl) options.print(`Tokens are validated by the IAM at ${options.iamUrl}`);
    const address = await app.listen({ host: options.host, port: options.port }).catch((error: unknown) => {
      throw listenFailure(error, options.host, options.port);
    });
    const { createdAdmin, adminWasThere, defaultProject } = snapshot
      ? { createdAdmin: undefined, adminWasThere: false, defaultProject: undefined }
      : await store.withStartupLock(() => declarations.applyAtStart());
    startupDone();
    printAdminNote(options, { createdAdmin, adminWasThere, defaultProject });
    const url = options.publicUrl ?? address;
    options.print(`Store: ${describeStore(location)}`);
    options.print(`ddm-jobs listening on ${url}`);
    const consoleDir = resolve(options.consoleDir ?? DEFAULT_CONSOLE_DIR);
    options.print(
      existsSync(join(consoleDir, 'index.html'))
        ? `Task Center console: ${url}/console/`
        : `No console in ${consoleDir}: npm run build builds it (/console/ answers 404 until then)`,
    );
    if (clock instanceof VirtualClock)
      options.print(
        `The clock is virtual, at ${new Date(clock.now()).toISOString()}: POST /internal/v1/clock moves it`,
      );
    if (options.emulator)
      options.print(
        'Emulator: POST /internal/v1/reset empties the tasks and applies the declared files again',
      );
    // The walk-through signs in as the first-start admin, whom a bootstrap file replaces (its
    // own users sign in instead), and here, which a server behind an external IAM does not offer.
    if (options.demo && defaultProject && !options.bootstrapFile && !options.iamUrl)
      printWalkThrough(options.print, url, defaultProject.id);
    const running = app;
    return {
      app: running,
      store,
      url,
      async close() {
        await running.close();
        await store.close();
      },
    };
  } catch (error) {
    // Requests waiting for the start are refused (503) and the app stops its timers, so that
    // the process can exit.
    startupFailed(error);
    await app?.close();
    await store.close();
    throw error;
  }
}

/**
 * The first admin's password, shown once when generated; on a later start, how to set a new
 * one, since that password is not shown again (and DDM_JOBS_ADMIN_PASSWORD no longer applies).
 */
function printAdminNote(options: ServeOptions, outcome: StartOutcome): void {
  const { print } = options;
  if (outcome.createdAdmin?.generatedPassword) {
    const printSecret = options.printSecret ?? print;
    printSecret('Created user admin (domain default) with a generated password, shown this once:');
    printSecret(`  export PASSWORD='${outcome.createdAdmin.generatedPassword}'`);
    printSecret('(Set DDM_JOBS_ADMIN_PASSWORD on a first start to choose it instead.)');
  }
  if (!outcome.adminWasThere) return;
  // The URL may hold a password: never printed, only named.
  const where = options.databaseUrl
    ? `--database-url <this server's URL>${options.databaseSchema ? ` --database-schema ${options.databaseSchema}` : ''}`
    : `--data-dir ${shellWord(options.dataDir)}`;
  const ignored = options.adminPassword ? ' (DDM_JOBS_ADMIN_PASSWORD applies to a first start only)' : '';
  print(
    `User admin exists already${ignored}; to set a new password: ddm-jobs iam user set-password admin --password-stdin ${where}`,
  );
}

/** A path as one shell word: as it is when plain, else in single quotes. */
function shellWord(text: string): string {
  return /^[\w./@:+-]+$/.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`;
}

function printWalkThrough(print: (line: string) => void, url: string, projectId: string) {
  print('');
  print('Try it, with the admin password in $PASSWORD:');
  print(
    `  TOKEN=$(curl -si ${url}/v3/auth/tokens -H 'Content-Type: application/json' -d '{"auth":{"identity":` +
      `{"methods":["password"],"password":{"user":{"name":"admin","domain":{"name":"default"},"password":"'"$PASSWORD"'"}}},` +
      `"scope":{"project":{"id":"${projectId}"}}}}' | tr -d '\\r' | sed -n 's/^x-subject-token: //Ip')`,
  );
  print(
    `  curl -s "${url}/v3/${projectId}/jobs?start_time=$(( $(date +%s) * 1000 - 86400000 ))&end_time=$(( $(date +%s) * 1000 ))" -H "X-Auth-Token: $TOKEN"`,
  );
  print('Watch the demo tasks progress, as they change (Server-Sent Events; Ctrl-C to stop):');
  print(`  curl -sN ${url}/v3/${projectId}/jobs/stream -H "X-Auth-Token: $TOKEN"`);
  print('Or with the tenant CLI (docs/cli.md), configured as OpenStack tools are:');
  print(
    `  export OS_AUTH_URL=${url}/v3 OS_USERNAME=admin OS_PASSWORD="$PASSWORD" OS_USER_DOMAIN_NAME=default OS_PROJECT_NAME=default`,
  );
  print('  npx ddm-jobs list && npx ddm-jobs watch');
}

/**
 * How long a stop may wait for requests in flight. Streams and long-polls end at once on close,
 * so only a request stuck in the store (or a client that sends its request very slowly) waits this
 * long; then the connections left are closed and the process exits with 1.
 */
export const SHUTDOWN_GRACE_MS = 10_000;

/**
 * Ends the server on SIGTERM or SIGINT: the listener closes (new connections are refused), a
 * request arriving on an open connection is answered 503 APIGW.0202, requests in flight finish,
 * event streams and long-polls end, the store closes, and the process exits with 0. Past
 * SHUTDOWN_GRACE_MS the remaining connections are cut and it exits with 1. A second signal, of
 * either kind, ends the process at once by that signal, as a second Ctrl-C should.
 */
export function closeOnSignals(
  server: RunningServer,
  print: (line: string) => void,
  graceMs = SHUTDOWN_GRACE_MS,
): void {
  const signals: NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];
  let closing = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) {
      print(`${signal} again: stopping at once`);
      // Without a handler the signal does what it does by default: it ends the process.
      for (const name of signals) process.removeListener(name, onSignal);
      process.kill(process.pid, signal);
      return;
    }
    closing = true;
    print(`${signal}: finishing requests in flight, then stopping (send it again to stop at once)`);
    let forced = false;
    const force = setTimeout(() => {
      forced = true;
      print(`Requests still in flight after ${graceMs} ms: closing their connections`);
      server.app.server.closeAllConnections();
      setTimeout(() => process.exit(1), 2_000).unref();
    }, graceMs);
    force.unref();
    server.close().then(
      () => process.exit(forced ? 1 : 0),
      () => process.exit(1),
    );
  };
  for (const name of signals) process.on(name, onSignal);
}
