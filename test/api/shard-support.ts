import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BootstrapFile } from '@ddm-jobs/server';
import pg from 'pg';
import { ALICE_KEY, WORKER_KEY } from '../aksk/fixture.js';
import { DATA_NODE_PASSWORDS } from '../support/data-nodes.js';
import {
  FIXTURE_IDENTITIES,
  PROJECT_A,
  startTestServer,
  TEST_STORE,
  type TestServer,
} from '../support/harness.js';
import { type HttpAnswer, originOf, sendOverHttp } from '../support/real-http.js';
import { sdkSign } from '../support/sdk-signer.js';
import { TEST_DATABASE_URL } from '../support/stores.js';

/** Helpers of the shard-change suites (`shard-*.test.ts`); expected bodies are written out in the tests. */

export const INSTANCE = 'c0ffee0ddba5e4a1b2c3d4e5f6a7b8c9in09';
export const DATABASE = 'db_orders';

export const shardPath = (
  tail: string,
  options: { projectId?: string; instanceId?: string; database?: string } = {},
) =>
  `/v3/${options.projectId ?? PROJECT_A}/instances/${options.instanceId ?? INSTANCE}/databases/` +
  `${options.database ?? DATABASE}/migration/${tail}`;

/** The fixture identities with access keys for alice and the worker, and an inventory. */
export function shardBootstrap(inventory?: BootstrapFile['inventory']): BootstrapFile {
  const users = (FIXTURE_IDENTITIES.users ?? []).map((user) => {
    const key = user.name === 'alice' ? ALICE_KEY : user.name === 'worker' ? WORKER_KEY : undefined;
    return key ? { ...user, credentials: [{ access_key: key.ak, secret_key: key.sk }] } : user;
  });
  return { ...FIXTURE_IDENTITIES, users, ...(inventory ? { inventory } : {}) };
}

export function startShardServer(options: { emulator: boolean; inventory?: BootstrapFile['inventory'] }) {
  return startTestServer({ emulator: options.emulator, bootstrap: shardBootstrap(options.inventory) });
}

export type Auth = 'token' | 'aksk';

/** Every answer a suite got, with its path: none may hold a data-node password but a worker's accounts. */
export const answers: { path: string; response: HttpAnswer }[] = [];

/**
 * A request as alice (or `user`) over real HTTP, with a token or signed with alice's access key
 * (the signature covering the host the request is sent to).
 */
export async function call(
  server: TestServer,
  method: 'GET' | 'POST' | 'PUT',
  path: string,
  options: { auth?: Auth; user?: string; body?: unknown } = {},
): Promise<HttpAnswer> {
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  let headers: Record<string, string>;
  let url = path;
  if (options.auth === 'aksk') {
    const [pathname, query] = path.split('?');
    const pairs = query ? query.split('&').map((pair) => pair.split('=') as [string, string]) : [];
    const key = options.user === 'worker' ? WORKER_KEY : ALICE_KEY;
    const host = new URL(await originOf(server)).host;
    const signed = sdkSign(
      {
        method,
        path: pathname as string,
        query: pairs,
        headers: { Host: host },
        ...(body === undefined ? {} : { body }),
      },
      key,
      server.clock.now(),
    );
    ({ url, headers } = signed);
  } else {
    headers = { 'x-auth-token': await server.tokenFor(options.user ?? 'alice') };
    if (body !== undefined) headers['content-type'] = 'application/json';
  }
  const response = await sendOverHttp(server, {
    method,
    url,
    headers,
    ...(body === undefined ? {} : { body }),
  });
  answers.push({ path, response });
  return response;
}

/**
 * The data-node passwords found in any answer a suite got, but the one route that hands a worker a
 * request's accounts (docs/api.md, "Shard changes for workers").
 */
export const passwordsAnswered = () =>
  answers
    .filter(({ path, response }) => !(path.endsWith('/accounts') && response.statusCode === 200))
    .flatMap(({ response }) => DATA_NODE_PASSWORDS.filter((password) => response.body.includes(password)));

/**
 * Every stored byte a server wrote, as text: on SQLite the database file and its write-ahead log;
 * on PostgreSQL every row of every table of the server's schema.
 */
export async function storedText(server: TestServer): Promise<string> {
  if (TEST_STORE === 'sqlite')
    return readdirSync(server.dataDir)
      .filter((name) => name.startsWith('ddm-jobs.sqlite'))
      .map((name) => readFileSync(join(server.dataDir, name)).toString('latin1'))
      .join('\n');
  const schema = readFileSync(join(server.dataDir, 'postgres-schema'), 'utf8').trim();
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    const tables = await client.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE'",
      [schema],
    );
    const texts: string[] = [];
    for (const { table_name } of tables.rows) {
      const rows = await client.query<{ row: string }>(
        `SELECT t::text AS row FROM "${schema}"."${table_name}" t`,
      );
      texts.push(...rows.rows.map((r) => r.row));
    }
    return texts.join('\n');
  } finally {
    await client.end();
  }
}

/** A pre-check or perform body naming data nodes with the suite's password. */
export const shardBody = (newShardNumber: unknown, nodes: string[], extra: Record<string, unknown> = {}) => ({
  new_shard_number: newShardNumber,
  data_nodes: nodes.map((id) => ({ id, user: 'ddm_migrator', password: DATA_NODE_PASSWORDS[0] })),
  ...extra,
});

/** The default inventory's data nodes (docs/scenarios.md, "Inventory"), written out. */
export const DN = {
  1: 'dd000000000000000000000000000001in01',
  2: 'dd000000000000000000000000000002in01',
  3: 'dd000000000000000000000000000003in01',
  4: 'dd000000000000000000000000000004in01',
  5: 'dd000000000000000000000000000005in01',
  6: 'dd000000000000000000000000000006in01',
} as const;
