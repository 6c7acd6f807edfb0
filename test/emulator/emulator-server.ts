import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningServer, startServer } from '@ddm-jobs/server';
import { passwordToken } from '../../scripts/password-token.js';
import { TEST_STORE } from '../support/harness.js';
import { dropSchema, freshSchema, TEST_DATABASE_URL } from '../support/stores.js';

/** Where the emulator's virtual clock stands: the tests of this folder never move it. */
export const CLOCK_START = Date.UTC(2026, 0, 1, 0, 0, 0);

/** The producer the bootstrap declares: role service on project default, by password and AK/SK. */
export const WORKER = {
  name: 'worker',
  password: 'a long random secret for the worker',
  accessKey: 'HPUAEXAMPLEAK0000001',
  secretKey: 'exampleSecretKey0123456789abcdefghijklmn',
};

const BOOTSTRAP = `projects:
  - name: default
users:
  - name: ${WORKER.name}
    password: ${WORKER.password}
    roles:
      - project: default
        roles: [service]
    credentials:
      - access_key: ${WORKER.accessKey}
        secret_key: ${WORKER.secretKey}
`;

// biome-ignore lint/suspicious/noExplicitAny: the tests read the JSON answers' fields as documented
export type Json = any;

/** An HTTP answer: its status and its JSON body (null when it has none). */
export interface Answer {
  status: number;
  body: Json;
}

export interface Emulator {
  url: string;
  running: RunningServer;
  /** A project-scoped token of the worker (role service), signed in over HTTP. */
  workerToken(): Promise<string>;
  /** A JSON request as the worker; answers the status and the parsed body (null when none). */
  asWorker(method: string, path: string, body?: unknown): Promise<Answer>;
  close(): Promise<void>;
}

/**
 * `ddm-jobs serve --emulator --clock virtual` in this process (serve.ts's startServer, on a real
 * port), on the database under test: a SQLite data folder, or a fresh PostgreSQL schema of the
 * run's cluster. `scenario`: a scenario file's text, applied at start and by resets.
 */
export async function startEmulator(options: { scenario?: string } = {}): Promise<Emulator> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ddm-jobs-emulator-'));
  const bootstrapFile = join(dataDir, 'bootstrap.yaml');
  writeFileSync(bootstrapFile, BOOTSTRAP);
  const scenarioFile = options.scenario === undefined ? undefined : join(dataDir, 'scenario.yaml');
  if (scenarioFile) writeFileSync(scenarioFile, options.scenario as string);
  const schema = TEST_STORE === 'postgres' ? freshSchema() : undefined;
  const running = await startServer({
    host: '127.0.0.1',
    port: 0,
    dataDir,
    ...(schema ? { databaseUrl: TEST_DATABASE_URL, databaseSchema: schema } : {}),
    bootstrapFile,
    scenarioFile,
    adminPassword: undefined,
    demo: false,
    timeZone: 'UTC',
    publicUrl: undefined,
    region: 'local',
    emulator: true,
    clock: 'virtual',
    clockStart: CLOCK_START,
    logLevel: 'warn',
    print: () => {},
  });
  const url = running.url;
  let token: string | undefined;
  const emulator: Emulator = {
    url,
    running,
    async workerToken() {
      if (token) return token;
      const project = await running.store.findProject({ name: 'default', domainId: 'default' });
      token = await passwordToken(url, WORKER, project?.id as string);
      return token;
    },
    async asWorker(method, path, body) {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: {
          'x-auth-token': await emulator.workerToken(),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, body: text === '' ? null : JSON.parse(text) };
    },
    async close() {
      await running.close();
      if (schema && TEST_DATABASE_URL) await dropSchema(TEST_DATABASE_URL, schema);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return emulator;
}
