/**
 * The SDK's declarations for installers. tsc writes them importing `@ddm-jobs/contract/wire`, a
 * workspace package no registry has, whose types are computed from TypeBox schemas. Here tsc
 * itself writes those types out in full, as plain object and union types, into the SDK's own
 * `dist/wire.d.ts`, and the SDK's declarations import that file instead: the installed package
 * type-checks with nothing else installed.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const CLIENT_DIST = fileURLToPath(new URL('../../packages/client/dist/', import.meta.url));
const CONTRACT_WIRE = fileURLToPath(new URL('../../packages/contract/dist/wire.d.ts', import.meta.url));
const TSC = fileURLToPath(new URL('../../node_modules/typescript/bin/tsc', import.meta.url));
const WIRE = '@ddm-jobs/contract/wire';
const IMPORT_FROM_WIRE =
  /import\s+(?:type\s+)?\{([^}]*)\}\s+from\s+'@ddm-jobs\/contract\/wire'|export\s+(?:type\s+)?\{([^}]*)\}\s+from\s+'@ddm-jobs\/contract\/wire'/g;

/**
 * Every declaration file below DIR, relative to it.
 *
 * @param {string} dir
 * @returns {string[]}
 */
function declarationFiles(dir) {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.d.ts'));
}

/**
 * The names the SDK's declarations take from the contract. Constants are written in capitals.
 *
 * @param {string[]} texts
 */
function wireNames(texts) {
  const names = new Set();
  for (const text of texts) {
    for (const match of text.matchAll(IMPORT_FROM_WIRE)) {
      for (const item of (match[1] ?? match[2] ?? '').split(',')) {
        const name = item.replace(/^\s*type\s+/, '').trim();
        if (name) names.add(name);
      }
    }
  }
  return [...names].sort();
}

/**
 * The declarations of NAMES, each written out in full by tsc: a type as `export type`, a constant
 * as `export declare const`.
 *
 * @param {string[]} names
 */
function expandedWire(names) {
  const work = mkdtempSync(join(tmpdir(), 'ddm-jobs-client-types-'));
  try {
    const isConstant = (/** @type {string} */ name) => /^[A-Z][A-Z0-9_]*$/.test(name);
    const source = [
      `import type * as W from '${WIRE}';`,
      // A mapped type over a type has no alias to print: tsc writes its members instead.
      'type Expand<T> = T extends object ? { [K in keyof T]: Expand<T[K]> } : T;',
      'declare function expand<T>(): Expand<T>;',
      'declare function valueOf<T>(): T;',
      ...names.map((name) =>
        isConstant(name)
          ? `export const ${name} = valueOf<typeof W.${name}>();`
          : `export const ${name} = expand<W.${name}>();`,
      ),
    ].join('\n');
    writeFileSync(join(work, 'wire.ts'), `${source}\n`);
    writeFileSync(
      join(work, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'es2022',
          module: 'nodenext',
          moduleResolution: 'nodenext',
          strict: true,
          declaration: true,
          emitDeclarationOnly: true,
          types: [],
          rootDir: '.',
          outDir: 'out',
          paths: { [WIRE]: [CONTRACT_WIRE] },
        },
        files: ['wire.ts'],
      }),
    );
    execFileSync(process.execPath, [TSC, '-p', work], { stdio: 'inherit' });
    const written = readFileSync(join(work, 'out', 'wire.d.ts'), 'utf8');
    const text = written.replace(/^export declare const (\w+): /gm, (whole, name) =>
      isConstant(name) ? whole : `export type ${name} = `,
    );
    if (/import\(|from '/.test(text))
      throw new Error(`pack: the SDK's wire types still import something:\n${text}`);
    return `/** The API's wire types and constants the SDK uses, written out in full. */\n${text}`;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * Writes the SDK's declarations into OUT_DIR (the staged package's dist/): the built ones with
 * their contract imports pointed at OUT_DIR/wire.d.ts, which holds those types in full.
 *
 * @param {string} outDir
 */
export function stageClientTypes(outDir) {
  const files = declarationFiles(CLIENT_DIST);
  const texts = files.map((file) => readFileSync(join(CLIENT_DIST, file), 'utf8'));
  writeFileSync(join(outDir, 'wire.d.ts'), expandedWire(wireNames(texts)));
  for (const [index, file] of files.entries()) {
    const target = join(outDir, file);
    mkdirSync(dirname(target), { recursive: true });
    const wire = relative(dirname(target), join(outDir, 'wire.js'));
    const specifier = wire.startsWith('.') ? wire : `./${wire}`;
    writeFileSync(target, (texts[index] ?? '').replaceAll(`'${WIRE}'`, `'${specifier}'`));
  }
}
