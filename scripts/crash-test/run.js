/**
 * `npm run crash-test`: crash durability on SQLite and PostgreSQL (docs/hardening.md).
 *
 *   node scripts/crash-test/run.js [--database sqlite|postgres|both] [--kills 20]
 *                                  [--min-seconds 1] [--max-seconds 5] [--connections 8]
 *
 * PostgreSQL runs in a throwaway cluster of its own with production's durability (fsync on), or
 * on the server DDM_JOBS_CRASH_DATABASE_URL names. Exits 1 if any acknowledged write is lost or
 * a database fails its integrity check.
 */
import { parseArgs } from 'node:util';
import { startCluster } from '../postgres-cluster.js';
import { runCrashTest } from './crash-cycles.js';

const { values } = parseArgs({
  options: {
    database: { type: 'string', default: 'both' },
    kills: { type: 'string', default: '20' },
    'min-seconds': { type: 'string', default: '1' },
    'max-seconds': { type: 'string', default: '5' },
    connections: { type: 'string', default: '8' },
  },
});
const databases = values.database === 'both' ? ['sqlite', 'postgres'] : [values.database];
const kills = Number(values.kills);
const minSeconds = Number(values['min-seconds']);
const maxSeconds = Number(values['max-seconds']);
const connections = Number(values.connections);
if (
  !databases.every((d) => d === 'sqlite' || d === 'postgres') ||
  !Number.isInteger(kills) ||
  kills < 1 ||
  !(minSeconds > 0 && maxSeconds >= minSeconds) ||
  !Number.isInteger(connections) ||
  connections < 1
) {
  process.stderr.write(
    'usage: run.js [--database sqlite|postgres|both] [--kills N] [--min-seconds S] [--max-seconds S] [--connections N]\n',
  );
  process.exit(2);
}

/** @param {string} line */
const log = (line) => process.stdout.write(`${line}\n`);
const results = [];
let cluster;
try {
  for (const database of databases) {
    let databaseUrl;
    if (database === 'postgres') {
      databaseUrl = process.env.DDM_JOBS_CRASH_DATABASE_URL;
      if (!databaseUrl) {
        cluster = await startCluster({ durable: true });
        databaseUrl = cluster.url;
      }
    }
    log(
      `${database}: ${kills} kills, ${minSeconds}-${maxSeconds} s apart, ${connections} writer connections`,
    );
    results.push(
      await runCrashTest({ database, databaseUrl, kills, minSeconds, maxSeconds, connections, log }),
    );
  }
} finally {
  cluster?.stop();
}

log('');
log(
  '| database | cycles | writes acknowledged | writes checked | lost | committed, answer cut | tasks | integrity |',
);
log('|---|---:|---:|---:|---:|---:|---:|---|');
for (const r of results) {
  log(
    `| ${r.database} | ${r.cycles} | ${r.acknowledged} | ${r.checked} | ${r.lost} | ${r.committedUnanswered} | ` +
      `${r.tasksChecked} (${r.tasksCompleted} completed) | ${r.integrity.ok ? 'ok' : 'FAILED'} |`,
  );
}
for (const r of results) {
  log('');
  log(
    `${r.database}: ${r.seconds.toFixed(0)} s, ${r.failedRequests} requests refused or cut while the server was down`,
  );
  log(`  writes acknowledged per cycle: ${r.perCycle.map((c) => c.acknowledged).join(', ')}`);
  for (const c of r.integrity.checks)
    log(`  ${c.ok ? 'ok    ' : 'FAILED'} ${c.name}${c.ok ? '' : `: ${c.detail}`}`);
  for (const p of r.problems) log(`  problem: ${p}`);
}
const failed = results.filter((r) => !r.ok);
if (failed.length > 0) {
  log(`\nFAILED: ${failed.map((r) => r.database).join(', ')}`);
  process.exit(1);
}
log('\nNo acknowledged write lost; every integrity check passed.');
