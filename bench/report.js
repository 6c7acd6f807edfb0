/**
 * The report: one table of figures (scenario, figure, value, target, verdict), printed and
 * written to bench/results.md with the machine it was measured on.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';

export const int = (n) => Math.round(n).toLocaleString('en-US');
export const ms = (n) => `${n < 1 ? n.toFixed(3) : n.toFixed(2)} ms`;
export const ratio = (n) => n.toFixed(3);

/** A row of the table; `verdict` true/false reads meets/BELOW TARGET, a string is kept, none is blank. */
export const row = (scenario, figure, value, target = '', verdict = undefined) => ({
  scenario,
  figure,
  value,
  target,
  verdict:
    typeof verdict === 'string' ? verdict : verdict === undefined ? '' : verdict ? 'meets' : 'BELOW TARGET',
});

function commit() {
  try {
    const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain'], { encoding: 'utf8' }).trim() !== '';
    return dirty ? `${sha} (with uncommitted changes)` : sha;
  } catch {
    return 'unknown';
  }
}

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

const COLUMNS = ['scenario', 'figure', 'value', 'target', 'verdict'];

export function printTable(rows) {
  const widths = COLUMNS.map((c) => Math.max(c.length, ...rows.map((r) => r[c].length)));
  const line = (cells) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  console.log(line(COLUMNS));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const r of rows) console.log(line(COLUMNS.map((c) => r[c])));
}

/** A markdown table with its columns padded, as the formatter (Biome) writes them. */
function markdownTable(header, rows) {
  const text = (cell) => cell.replaceAll('|', '\\|');
  const all = [header, ...rows].map((cells) => cells.map(text));
  const widths = header.map((_, i) => Math.max(3, ...all.map((cells) => cells[i].length)));
  const line = (cells) => `| ${cells.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`;
  const [head, ...body] = all;
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)];
}

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
