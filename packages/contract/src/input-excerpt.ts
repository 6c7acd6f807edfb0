/** The most characters of a caller's own input an error message repeats. */
export const EXCERPT_MAX_CHARS = 64;

/**
 * A caller's input (a field name, a reference) as an error message may repeat it: at most
 * EXCERPT_MAX_CHARS characters, then `…`, and every character outside printable ASCII, the
 * backslash included, as `\uXXXX`. An answer then stays small whatever was sent, and a terminal
 * or a log showing it cannot be steered by control or bidirectional characters.
 *
 * @example inputExcerpt('a'.repeat(60_000)) // the first 64 'a', then '…'
 * @example inputExcerpt('x\u202Ey') // 'x\\u202ey' (the right-to-left override, shown as text)
 */
export function inputExcerpt(text: string): string {
  const chars = Array.from(text);
  const shown = chars.slice(0, EXCERPT_MAX_CHARS).join('');
  const escaped = shown.replace(/[^\x20-\x5b\x5d-\x7e]/gu, (c) =>
    Array.from({ length: c.length }, (_, i) => `\\u${c.charCodeAt(i).toString(16).padStart(4, '0')}`).join(
      '',
    ),
  );
  return chars.length > EXCERPT_MAX_CHARS ? `${escaped}…` : escaped;
}
