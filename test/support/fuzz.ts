import fc from 'fast-check';

/** Generators shared by the generated-input tests. */

const UNRESERVED = /[A-Za-z0-9\-._~]/;

/** Percent-encodes every byte of the UTF-8 text except unreserved characters (lone surrogates become U+FFFD). */
export function percentEncode(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const char = String.fromCharCode(byte);
    out += UNRESERVED.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Printable ASCII other than space and `#`, which a URL can carry as is; the rest percent-encoded. */
export function looselyEncode(text: string): string {
  let out = '';
  for (const char of text) out += /^[\x21-\x22\x24-\x7e]$/.test(char) ? char : percentEncode(char);
  return out;
}

/** Any text: unicode with lone surrogates, graphemes, ASCII, and percent-escapes good and broken. */
export const anyText = (maxLength = 24) =>
  fc.oneof(
    fc.string({ unit: 'binary', maxLength }),
    fc.string({ unit: 'grapheme', maxLength }),
    fc.string({ unit: 'binary-ascii', maxLength }),
    fc.constantFrom(
      '%',
      '%Z',
      '%ZZ',
      '%E0%A4',
      '%00',
      '%2B5',
      '%20',
      '%C0%AE',
      '%FF%FE',
      '+',
      '&',
      '=',
      '&&==&',
    ),
  );

/** A printable header value, from empty to very large. */
export const headerValue = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.string({
      unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)),
      maxLength: 64,
    }),
  },
  { weight: 1, arbitrary: fc.integer({ min: 2_000, max: 100_000 }).map((n) => 'A'.repeat(n)) },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', 'null', 'undefined', 'Bearer x', '0'.repeat(4096)) },
);

/** JSON text of a value nested `depth` times in arrays or objects. */
export const deeplyNested = fc
  .tuple(fc.integer({ min: 1, max: 6_000 }), fc.boolean())
  .map(([depth, arrays]) =>
    arrays ? `${'['.repeat(depth)}1${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`,
  );

/** JSON text of any kind of value, including the awkward ones. */
export const anyJsonText: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value) ?? 'null') },
  { weight: 2, arbitrary: anyText(40).map((text) => JSON.stringify(text)) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '-0',
      '1e308',
      '-1e308',
      '9007199254740993',
      '1.5',
      '0.1e1',
      '100',
      '101',
      '-1',
      'true',
      'null',
      '""',
      '{}',
      '[]',
      '{"__proto__":{"x":1}}',
      '{"constructor":{"prototype":{"x":1}}}',
    ),
  },
  { weight: 1, arbitrary: deeplyNested },
  { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 70_000 }).map((n) => JSON.stringify('x'.repeat(n))) },
);

/** Object keys that are more than they seem. */
export const trickyKey = fc.constantFrom(
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  '',
  ' id',
  'ID',
  'status\u0000',
);

/** JSON object text from key and JSON-text pairs, keeping duplicates and `__proto__` as sent. */
export const objectText = (pairs: readonly (readonly [string, string])[]) =>
  `{${pairs.map(([key, value]) => `${JSON.stringify(key)}:${value}`).join(',')}}`;
