import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';

const source = (pkg: string, entry = 'index') =>
  fileURLToPath(new URL(`./packages/${pkg}/src/${entry}.ts`, import.meta.url));

/**
 * Left out of the postgres project, with why: they are about SQLite itself, not the behaviour
 * the API suite pins on both databases.
 */
const SQLITE_ONLY = [
  // Restarts `ddm-jobs serve --data-dir` as a real process; on PostgreSQL the same is pinned by
  // test/cli/serve-postgres.test.ts.
  'test/api/events-restart.test.ts',
];

export default defineConfig({
  resolve: {
    // Tests run against the sources; the built dist is only for the CLI and the bench.
    alias: [
      { find: /^@ddm-jobs\/contract$/, replacement: source('contract') },
      { find: /^@ddm-jobs\/contract\/wire$/, replacement: source('contract', 'wire') },
      { find: /^@ddm-jobs\/client$/, replacement: source('client') },
      { find: /^@ddm-jobs\/server$/, replacement: source('server') },
      { find: /^@ddm-jobs\/testing$/, replacement: source('testing') },
    ],
  },
  test: {
    reporters: ['default', './test/support/summary-reporter.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // A throwaway PostgreSQL cluster for the run, unless DDM_JOBS_TEST_DATABASE_URL names one.
    // The servers' logs of the run in one folder, scanned for secrets at its end (log-scan.ts).
    globalSetup: ['./test/support/postgres-cluster.ts', './test/support/log-scan.ts'],
    // The API suite runs unchanged on both databases: the harness opens the store that
    // DDM_JOBS_TEST_STORE names.
    projects: [
      {
        extends: true,
        test: {
          name: 'sqlite',
          include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts'],
          // Several nodes on one database: PostgreSQL's alone (SQLite is one node's file).
          exclude: [...configDefaults.exclude, 'test/nodes/**'],
          env: { DDM_JOBS_TEST_STORE: 'sqlite' },
        },
      },
      {
        extends: true,
        test: {
          name: 'postgres',
          include: [
            'test/api/**/*.test.ts',
            'test/simulator/**/*.test.ts',
            // Snapshots saved and restored on each database.
            'test/snapshots/**/*.test.ts',
            'test/nodes/**/*.test.ts',
            // The emulator's tenants per test, resets of one project, reads that end steps.
            'test/emulator/**/*.test.ts',
            // Signed actions, and a lockout that every node sharing the database applies (the
            // other AK/SK files read the SQLite file or pin the signature, alike on both).
            'test/aksk/lockout.test.ts',
            'test/aksk/signed-actions.test.ts',
            // No response to any credential carries another project's task, on both databases.
            'test/hardening/isolation-property.test.ts',
            // The shard-configuration family through the SDK over real HTTP: starting a shard
            // change, its details and run logs, the switch window.
            'test/client/shard-changes.test.ts',
            'test/client/task-details-logs.test.ts',
            'test/client/actions.test.ts',
          ],
          exclude: [...configDefaults.exclude, ...SQLITE_ONLY],
          env: { DDM_JOBS_TEST_STORE: 'postgres' },
        },
      },
    ],
  },
});
