/** A column: its header, and how to paint a cell after its width is known (colour has no width). */
export interface Column {
  header: string;
  paint?: (cell: string) => string;
}

/**
 * Rows as aligned columns under their headers, two spaces apart, trailing spaces trimmed. Widths
 * are measured on the plain text and the paint applied after padding is computed, so coloured
 * cells line up with plain ones.
 */
export function renderTable(columns: readonly Column[], rows: readonly (readonly string[])[]): string[] {
  const widths = columns.map((column, i) =>
    Math.max(column.header.length, ...rows.map((row) => (row[i] ?? '').length)),
  );
  const line = (cells: readonly string[], painted: boolean) =>
    columns
      .map((column, i) => {
        const cell = cells[i] ?? '';
        const padding = ' '.repeat((widths[i] as number) - cell.length);
        return (painted && column.paint ? column.paint(cell) : cell) + padding;
      })
      .join('  ')
      .trimEnd();
  return [
    line(
      columns.map((c) => c.header),
      false,
    ),
    ...rows.map((row) => line(row, true)),
  ];
}
