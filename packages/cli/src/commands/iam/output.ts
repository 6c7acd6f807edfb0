import { Option } from 'commander';

export type OutputFormat = 'table' | 'json';

export const outputOption = () =>
  new Option('-o, --output <format>', 'output format').choices(['table', 'json']).default('table');

/** A column of a listing: its table header and the key of its value in each row. */
export type Column<Row> = [header: string, key: keyof Row & string];

/**
 * Prints rows as aligned columns under a header (for people), or as a JSON array with every
 * key (for scripts, which should not parse the table).
 */
export function printRows<Row extends Record<string, string | boolean>>(
  format: OutputFormat,
  columns: Column<Row>[],
  rows: Row[],
  print: (line: string) => void,
): void {
  if (format === 'json') {
    print(JSON.stringify(rows, null, 2));
    return;
  }
  const cells = [
    columns.map(([header]) => header),
    ...rows.map((row) => columns.map(([, key]) => String(row[key]))),
  ];
  const widths = columns.map((_, i) => Math.max(...cells.map((line) => (line[i] as string).length)));
  for (const line of cells)
    print(
      line
        .map((cell, i) => cell.padEnd(widths[i] as number))
        .join('  ')
        .trimEnd(),
    );
}
