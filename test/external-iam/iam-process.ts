import { buildApp, externalIamChecker, openSqliteStore, type Store } from '@ddm-jobs/server';
import type { FastifyInstance } from 'fastify';
import { ADMIN_PASSWORD, iam, iamList, servers, tempDirs, tokenFor } from '../cli/cli-process.js';
import { ManualClock } from '../support/harness.js';
import type { Server } from '../support/processes.js';

// A real `ddm-jobs serve` process acting as the external IAM, and a ddm-jobs under test, in
// process on its own store, whose tokens that IAM vouches for.

export const HOUR = 3_600_000;
export const MINUTE = 60_000;

export interface Iam {
  server: Server;
  dataDir: string;
  /** The IAM's project `default`: the project its tokens are scoped to. */
  projectId: string;
  /** A fresh token of the IAM's first-start admin (roles te_admin and service) on `default`. */
  adminToken(): Promise<string>;
  /** How many token validations (`GET /v3/auth/tokens`) the IAM has answered, from its /metrics. */
  validations(): Promise<number>;
  /** `ddm-jobs iam ARGS` on the IAM's data folder. */
  admin(args: string[]): Promise<string>;
}

/** Processes and folders the tests make; `cleanUp` in afterEach. */
export function iamFixtures() {
  const dirs = tempDirs();
  const running = servers();
  const apps: { app: FastifyInstance; store: Store }[] = [];

  return {
    running,
    async startIam(): Promise<Iam> {
      const dataDir = dirs.make();
      const server = await running.start(dataDir);
      const [project] = await iamList<{ id: string; name: string }>(dataDir, ['project', 'list']);
      if (project?.name !== 'default') throw new Error('the IAM has no project default');
      return {
        server,
        dataDir,
        projectId: project.id,
        adminToken: () => tokenFor(server.url, { name: 'admin', password: ADMIN_PASSWORD }, project.id),
        validations: () => validationsOf(server.url),
        admin: (args) => iam(dataDir, args),
      };
    },
    /** The ddm-jobs under test: its own store, a clock set to now, tokens vouched by `iamUrl`. */
    async startTested(iamUrl: string, options: { timeoutMs?: number } = {}) {
      const clock = new ManualClock(Date.now());
      const dataDir = dirs.make();
      const store = openSqliteStore({ dataDir });
      const app = await buildApp({
        store,
        clock,
        tokenChecker: externalIamChecker({ url: iamUrl, clock, ...options }),
      });
      apps.push({ app, store });
      return { app, store, clock };
    },
    async cleanUp() {
      for (const { app, store } of apps.splice(0)) {
        await app.close();
        await store.close();
      }
      await running.stopAll();
      dirs.removeAll();
    },
  };
}

/** The sum of the IAM's `ddm_jobs_http_requests_total` for `GET /v3/auth/tokens`, any status. */
async function validationsOf(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith('ddm_jobs_http_requests_total{')) continue;
    if (!line.includes('route="/v3/auth/tokens"') || !line.includes('method="GET"')) continue;
    total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}
