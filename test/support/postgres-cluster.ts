import { startCluster } from '../../scripts/postgres-cluster.js';

export { type Cluster, startCluster } from '../../scripts/postgres-cluster.js';

// A throwaway PostgreSQL cluster for one test run (vitest's globalSetup): initdb in a temporary
// folder, a server on a free loopback port with its socket in that folder, stopped and removed at
// the end. Its URL reaches the test workers as DDM_JOBS_TEST_DATABASE_URL (they inherit this
// process's environment). Set that variable yourself to test against a server you run instead.

const URL_VARIABLE = 'DDM_JOBS_TEST_DATABASE_URL';

/** vitest's globalSetup: starts the cluster unless a database was named; returns the teardown. */
export default async function setup(): Promise<(() => Promise<void>) | undefined> {
  // Each project of the config runs this too: the first start serves them all.
  if (process.env[URL_VARIABLE]) return undefined;
  const started = Date.now();
  const cluster = await startCluster();
  process.env[URL_VARIABLE] = cluster.url;
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  process.stdout.write(`postgres-cluster: PostgreSQL on ${cluster.url}, started in ${seconds} s\n`);
  return async () => {
    cluster.stop();
    delete process.env[URL_VARIABLE];
  };
}
