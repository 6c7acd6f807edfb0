/**
 * The deepest nesting a scenario may have, counted generously (see `nestingBound`). A real one
 * nests five or six levels; the YAML parser recurses per level, and a document thousands of
 * levels deep exhausts the stack — inside the regular-expression compiler, V8 aborts the whole
 * process ("RegExpCompiler Allocation failed") instead of throwing.
 */
export const MAX_SCENARIO_NESTING = 64;

/** Block indicators that open a level on the line they stand on: `- `, `? `, `: `. */
const INDICATOR = /(?:^|[ \t])[-?:](?=[ \t]|$)/g;

/** A quote opens a quoted scalar only where a token starts; in `it's` it is a plain character. */
const TOKEN_START = /[ \t\n[{,:]/;

/**
 * An upper bound of a YAML text's nesting, read without parsing: the open flow collections
 * (`[` and `{` outside quoted scalars), plus on each line its indentation and its block indicators. The
 * bound is exceeded by no plausible scenario and reached cheaply by any deep one.
 */
export function nestingBound(text: string): { depth: number; line: number } {
  let flow = 0;
  let deepest = { depth: 0, line: 0 };
  let quote: '"' | "'" | undefined;
  let lineNumber = 1;
  let lineStart = 0;
  const endLine = (end: number) => {
    const line = text.slice(lineStart, end);
    const indent = /^[ \t]*/.exec(line)?.[0].length ?? 0;
    const indicators = line.match(INDICATOR)?.length ?? 0;
    const depth = flow + Math.ceil(indent / 2) + indicators;
    if (depth > deepest.depth) deepest = { depth, line: lineNumber };
  };
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '\n') {
      endLine(i);
      lineNumber++;
      lineStart = i + 1;
    } else if (quote) {
      if (char === '\\' && quote === '"') i++;
      else if (char === quote) quote = undefined;
    } else if ((char === '"' || char === "'") && TOKEN_START.test(text[i - 1] ?? '\n')) quote = char;
    else if (char === '[' || char === '{') {
      flow++;
      if (flow > deepest.depth) deepest = { depth: flow, line: lineNumber };
    } else if (char === ']' || char === '}') flow = Math.max(0, flow - 1);
  }
  endLine(text.length);
  return deepest;
}
