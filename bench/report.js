/**
 * The report: one table of figures (scenario, figure, value, target, verdict), printed and
 * written to bench/results.md with the machine it was measured on.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';

/**
 * One line of the table.
 *
 * @typedef {object} Row
 * @property {string} scenario
 * @property {string} figure
 * @property {string} value
 * @property {string} target
 * @property {string} verdict
 */

/**
 * What a scenario hands the orchestrator: its lines of the table, the checks that failed (the run
 * then exits 1) and notes on how to read its figures.
 *
 * @typedef {object} Outcome
 * @property {Row[]} rows
 * @property {string[]} failures
 * @property {string[]} notes
 */

/**
 * Where and when the figures were measured.
 *
 * @typedef {object} Machine
 * @property {string} date
 * @property {string} cores
 * @property {string} node
 * @property {string} commit
 * @property {string} load
 */

/** @param {number} n */
export const int = (n) => Math.round(n).toLocaleString('en-US');
/** @param {number} n */
export const ms = (n) => `${n < 1 ? n.toFixed(3) : n.toFixed(2)} ms`;
/** @param {number} n */
export const ratio = (n) => n.toFixed(3);

/**
 * A row of the table; `verdict` true/false reads meets/BELOW TARGET, a string is kept, none is blank.
 *
 * @param {string} scenario
 * @param {string} figure
 * @param {string} value
 * @param {string} [target]
 * @param {boolean | string} [verdict]
 * @returns {Row}
 */
export const row = (scenario, figure, value, target = '', verdict = undefined) => ({
  scenario,
  figure,
  value,
  target,
  verdict:
    typeof verdict === 'string' ? verdict : verdict === undefined ? '' : verdict ? 'meets' : 'BELOW TARGET',
});

/** @returns {string} */
function commit() {
  try {
    const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain'], { encoding: 'utf8' }).trim() !== '';
    return dirty ? `${sha} (with uncommitted changes)` : sha;
  } catch {
    return 'unknown';
  }
}

/** @returns {Machine} */
export function machine() {
  const all = cpus();
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    cores: `${all.length} × ${all[0]?.model.trim() ?? 'unknown CPU'}`,
    node: process.version,
    commit: commit(),
    load: loadavg()
      .map((n) => n.toFixed(2))
      .join(' '),
  };
}

/** @type {(keyof Row)[]} */
const COLUMNS = ['scenario', 'figure', 'value', 'target', 'verdict'];

/** @param {Row[]} rows */
export function printTable(rows) {
  const widths = COLUMNS.map((c) => Math.max(c.length, ...rows.map((r) => r[c].length)));
  /** @param {string[]} cells */
  const line = (cells) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  console.log(line(COLUMNS));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const r of rows) console.log(line(COLUMNS.map((c) => r[c])));
}

/**
 * A markdown table with its columns padded, as the formatter (Biome) writes them.
 *
 * @param {string[]} header
 * @param {string[][]} rows as many cells each as `header`
 * @returns {string[]}
 */
function markdownTable(header, rows) {
  /** @param {string} cell */
  const text = (cell) => cell.replaceAll('|', '\\|');
  const all = [header, ...rows].map((cells) => cells.map(text));
  const widths = header.map((_, i) => Math.max(3, ...all.map((cells) => cells[i]?.length ?? 0)));
  /** @param {string[]} cells */
  const line = (cells) => `| ${cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  const [head = [], ...body] = all;
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)];
}

/**
 * @param {string} path
 * @param {{ info: Machine; scenarios: string[]; rows: Row[]; failures: string[]; notes: string[] }} results
 */
export function writeMarkdown(path, { info, scenarios, rows, failures, notes }) {
  const lines = [
    '# ddm-jobs benchmark results',
    '',
    'Written by `npm run bench` (bench/run.js); see bench/README.md for what each scenario measures.',
    '',
    ...markdownTable(
      ['date', 'machine cores', 'Node', 'commit', 'load average at start (1, 5, 15 min)', 'scenarios'],
      [[info.date, info.cores, info.node, info.commit, info.load, scenarios.join(', ')]],
    ),
    '',
    ...markdownTable(
      COLUMNS,
      rows.map((r) => COLUMNS.map((c) => r[c])),
    ),
    '',
  ];
  if (notes.length > 0) lines.push('Notes:', '', ...notes.map((n) => `- ${n}`), '');
  lines.push(
    failures.length === 0
      ? 'Result: every check passed (targets not met are reported, not failed).'
      : `Result: FAILED\n\n${failures.map((f) => `- ${f}`).join('\n')}`,
    '',
  );
  writeFileSync(path, lines.join('\n'));
}
