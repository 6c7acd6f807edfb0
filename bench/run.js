/**
 * The benchmark (bench/README.md, "Targets"). Runs the scenarios, prints
 * the figures and writes them to bench/results.md. Exits 1 if a check failed (an answer that was
 * not 2xx, a lost update...); a target not met is reported, not failed.
 *
 *   npm run bench                      build, then every scenario
 *   node bench/run.js list large       only these (list, large, record, batch, list-pg, record-pg, batch-pg)
 *   node bench/run.js list --profile   the server children run with --cpu-prof
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stopAllChildren } from './children.js';
import { stopDatabases } from './database.js';
import { largeTenant } from './large-tenant.js';
import { listThroughput } from './list-throughput.js';
import { recordingRate } from './recording-rate.js';
import { machine, printTable, writeMarkdown } from './report.js';

/** @import { Outcome } from './report.js' */

/** @type {Record<string, (options: { serverExecArgv: string[] }) => Promise<Outcome>>} */
const SCENARIOS = {
  list: listThroughput,
  large: largeTenant,
  record: recordingRate,
  batch: (options) => recordingRate({ ...options, label: 'batch', batch: 100 }),
  'list-pg': (options) => listThroughput({ ...options, database: 'postgres', label: 'list-pg' }),
  'record-pg': (options) => recordingRate({ ...options, database: 'postgres', label: 'record-pg', nodes: 2 }),
  'batch-pg': (options) =>
    recordingRate({ ...options, database: 'postgres', label: 'batch-pg', batch: 100, nodes: 2 }),
};
const RESULTS = fileURLToPath(new URL('results.md', import.meta.url));

const args = process.argv.slice(2);
const flags = args.filter((a) => a.startsWith('--'));
const names = args.filter((a) => !a.startsWith('--'));
const unknown = [...names.filter((n) => !(n in SCENARIOS)), ...flags.filter((f) => f !== '--profile')];
if (unknown.length > 0) {
  console.error(
    `unknown: ${unknown.join(' ')}\nusage: node bench/run.js [list] [large] [record] [batch] [list-pg] [record-pg] [batch-pg] [--profile]`,
  );
  process.exit(2);
}
const chosen = names.length > 0 ? names : Object.keys(SCENARIOS);

/** @type {string | undefined} */
let profileDir;
/** @type {string[]} */
let serverExecArgv = [];
if (flags.includes('--profile')) {
  profileDir = mkdtempSync(join(tmpdir(), 'ddm-jobs-bench-profiles-'));
  serverExecArgv = ['--cpu-prof', `--cpu-prof-dir=${profileDir}`];
}

const info = machine();
console.log(
  `ddm-jobs benchmark: ${info.date}, ${info.cores}, Node ${info.node}, commit ${info.commit}, load average ${info.load}`,
);
const rows = [];
const failures = [];
const notes = profileDir ? ['Measured with the server under --cpu-prof: slower than without.'] : [];
for (const name of chosen) {
  const started = performance.now();
  console.log(`\n== ${name} ...`);
  try {
    const scenario = SCENARIOS[name];
    if (!scenario) throw new Error('no such scenario'); // names were checked above
    const outcome = await scenario({ serverExecArgv });
    rows.push(...outcome.rows);
    failures.push(...outcome.failures);
    notes.push(...outcome.notes);
    printTable(outcome.rows);
  } catch (error) {
    failures.push(`${name}: ${error instanceof Error ? error.message : error}`);
    console.error(error instanceof Error ? (error.stack ?? error) : error);
  } finally {
    await stopAllChildren();
  }
  console.log(`(${name}: ${((performance.now() - started) / 1000).toFixed(1)} s)`);
}

stopDatabases();

console.log('\n== summary\n');
printTable(rows);
for (const note of notes) console.log(`note: ${note}`);
writeMarkdown(RESULTS, { info, scenarios: chosen, rows, failures, notes });
console.log(`\nwritten to ${RESULTS}`);
if (profileDir) {
  console.log(`CPU profiles of the server: ${profileDir}`);
  console.log(`summarize one with: node bench/profile-summary.js ${profileDir}/FILE.cpuprofile`);
}
if (failures.length > 0) {
  console.error(`\nFAILED:\n${failures.map((f) => `- ${f}`).join('\n')}`);
  process.exitCode = 1;
}
