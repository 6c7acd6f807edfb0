import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type AppOptions,
  applyBootstrap,
  applyInventory,
  type BootstrapFile,
  buildApp,
  CREDENTIAL_KEY_FILE,
  checkInventoryDeclaration,
  type FeedOptions,
  openCredentialVault,
  openPostgresStore,
  openSqliteStore,
  type RateLimits,
  type Store,
  VirtualClock,
} from '@ddm-jobs/server';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { passwordSignIn } from './keystone-body.js';
import { harnessLogger } from './run-logs.js';

/**
 * A clock the test sets by hand: domain code never reads the system clock. It is the emulator's
 * virtual clock, so `POST /internal/v1/clock` moves it too.
 */
export class ManualClock extends VirtualClock {
  constructor(start = Date.UTC(2026, 10, 28, 12, 0, 0)) {
    super(start);
  }
}

export const PROJECT_A = '619d3e78f61b4be68bc5aa0b59edcf7b';
export const PROJECT_B = '0a1b2c3d4e5f60718293a4b5c6d7e8f9';
export const PASSWORD = 'correct horse battery staple';

/** Identities every API test starts with: a tenant on each project, and a producer. */
export const FIXTURE_IDENTITIES: BootstrapFile = {
  projects: [
    { name: 'project-a', id: PROJECT_A },
    { name: 'project-b', id: PROJECT_B },
  ],
  users: [
    { name: 'alice', password: PASSWORD, roles: [{ project: 'project-a', roles: ['te_admin'] }] },
    { name: 'bob', password: PASSWORD, roles: [{ project: 'project-b', roles: ['readonly'] }] },
    { name: 'worker', password: PASSWORD, roles: [{ project: 'project-a', roles: ['service'] }] },
  ],
};

export interface TestServer {
  app: FastifyInstance;
  store: Store;
  clock: ManualClock;
  /** The real time rate limits and lockouts follow, set by hand too (it moves apart from `clock`). */
  realClock: ManualClock;
  dataDir: string;
  /** A project-scoped token for a fixture user, through the real Keystone route. */
  tokenFor(user: string, projectId?: string): Promise<string>;
  /** Records a task through the internal API as the worker; returns the internal job. */
  record(body: Record<string, unknown>): Promise<Record<string, unknown>>;
  /**
   * Closes the app and the store. Unless `keep`, removes the data: the PostgreSQL schema, and the
   * data folder when the harness made it (a folder the caller gave stays the caller's).
   */
  close(keep?: boolean): Promise<void>;
}

/**
 * A real app on a real database, driven in-process with `app.inject` (no port opened): a SQLite
 * file in a fresh temporary folder, or with DDM_JOBS_TEST_STORE=postgres a fresh schema in
 * DDM_JOBS_TEST_DATABASE_URL's database. Given the `dataDir` of a closed server, it reopens
 * that server's data, as a restarted process would.
 */
export async function startTestServer(
  options: {
    clock?: ManualClock;
    realClock?: ManualClock;
    dataDir?: string;
    bootstrap?: BootstrapFile;
    rateLimits?: RateLimits;
    /** Serve the emulator's reset, which applies the bootstrap again. */
    emulator?: boolean;
    /** Change-feed polling and stream keep-alive intervals (shortened by the feed's tests). */
    feed?: FeedOptions;
    /** HTTP server timeouts and the stream cap (shortened by the limits' tests). */
    limits?: Pick<AppOptions, 'httpLimits' | 'maxStreamsPerUser'>;
    /** The server's time zone (`--time-zone`): task times and daily switch windows; UTC by default. */
    timeZone?: string;
  } = {},
): Promise<TestServer> {
  const clock = options.clock ?? new ManualClock();
  const realClock = options.realClock ?? new ManualClock();
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'ddm-jobs-test-'));
  const store = await openTestStore(dataDir);
  const credentialVault = openCredentialVault(join(dataDir, CREDENTIAL_KEY_FILE));
  const bootstrap = options.bootstrap ?? FIXTURE_IDENTITIES;
  /** The declared identities, and the shard-change inventory the bootstrap may declare. */
  const applyDeclared = async () => {
    await applyBootstrap(store, bootstrap, clock, credentialVault);
    if (bootstrap.inventory)
      await applyInventory(
        { store, clock },
        checkInventoryDeclaration(bootstrap.inventory, 'bootstrap'),
        'bootstrap',
      );
  };
  await applyDeclared();
  // No throttling unless asked for: the real clock stands still too, so no bucket would refill.
  const rateLimits = options.rateLimits ?? { perCredential: 0, perServiceCredential: 0, perAddress: 0 };
  const reapply = async () => {
    await applyDeclared();
    return { jobs: [] };
  };
  const logger = harnessLogger();
  const app = await buildApp({
    store,
    clock,
    realClock,
    credentialVault,
    // The run's log folder, scanned for secrets at its end (run-logs.ts, log-scan.ts).
    ...(logger ? { logger } : {}),
    rateLimits,
    // The test ticks the simulator itself (app.simulator.tick()) after moving the clock.
    simulatorIntervalMs: 0,
    ...(options.emulator ? { emulator: { reapply } } : {}),
    ...(options.feed ? { feed: options.feed } : {}),
    ...(options.timeZone ? { timeZone: options.timeZone } : {}),
    ...options.limits,
  });
  const tokens = new Map<string, string>();
  const server: TestServer = {
    app,
    store,
    clock,
    realClock,
    dataDir,
    async tokenFor(user, projectId = user === 'bob' ? PROJECT_B : PROJECT_A) {
      const key = `${user}@${projectId}@${clock.now()}`;
      const known = tokens.get(key);
      if (known) return known;
      const response = await app.inject({
        method: 'POST',
        url: '/v3/auth/tokens',
        payload: passwordSignIn({ name: user, password: PASSWORD }, projectId),
      });
      if (response.statusCode !== 201)
        throw new Error(`token for ${user}: ${response.statusCode} ${response.body}`);
      const token = response.headers['x-subject-token'] as string;
      tokens.set(key, token);
      return token;
    },
    async record(body) {
      const response = await app.inject({
        method: 'POST',
        url: '/internal/v1/jobs',
        headers: { 'x-auth-token': await server.tokenFor('worker') },
        payload: { project_id: PROJECT_A, instance_id: 'inst0001', instance_name: 'ddm-test', ...body },
      });
      if (response.statusCode !== 201) throw new Error(`record: ${response.statusCode} ${response.body}`);
      return response.json().job;
    },
    async close(keep = false) {
      await app.close();
      await store.close();
      if (keep) return;
      await dropTestSchema(dataDir);
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return server;
}

/** The database the tests run on: DDM_JOBS_TEST_STORE, `sqlite` by default (vitest.config.ts sets it per project). */
export const TEST_STORE = process.env.DDM_JOBS_TEST_STORE === 'postgres' ? 'postgres' : 'sqlite';

// On PostgreSQL a data folder names its schema in this file, as on SQLite it holds the database
// file: reopening the folder reopens the same data, and folders never share a schema.
const SCHEMA_FILE = 'postgres-schema';

/**
 * Opens the store of a data folder on the database under test: the SQLite file in it, or the
 * PostgreSQL schema it names (a new one when it names none).
 */
export async function openTestStore(dataDir: string): Promise<Store> {
  if (TEST_STORE === 'sqlite') return openSqliteStore({ dataDir });
  const file = join(dataDir, SCHEMA_FILE);
  const known = existsSync(file);
  const schema = known ? readFileSync(file, 'utf8').trim() : `test_${randomBytes(8).toString('hex')}`;
  if (!known) writeFileSync(file, schema);
  // A few connections each: test files run side by side, each opening servers of its own.
  return openPostgresStore({ url: testDatabaseUrl(), schema, poolSize: 4 });
}

/** Removes what `openTestStore` made for a data folder: the folder, and its schema on PostgreSQL. */
export async function removeTestData(dataDir: string): Promise<void> {
  await dropTestSchema(dataDir);
  rmSync(dataDir, { recursive: true, force: true });
}

async function dropTestSchema(dataDir: string): Promise<void> {
  const file = join(dataDir, SCHEMA_FILE);
  if (TEST_STORE === 'sqlite' || !existsSync(file)) return;
  const client = new pg.Client({ connectionString: testDatabaseUrl() });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${readFileSync(file, 'utf8').trim()}" CASCADE`);
  } finally {
    await client.end();
  }
  rmSync(file, { force: true });
}

function testDatabaseUrl(): string {
  const url = process.env.DDM_JOBS_TEST_DATABASE_URL;
  if (!url)
    throw new Error(
      'DDM_JOBS_TEST_STORE=postgres needs DDM_JOBS_TEST_DATABASE_URL (vitest.config.ts starts a cluster and sets it)',
    );
  return url;
}
