import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect, it } from 'vitest';

// TypeBox's values (Type, Compile) come from packages/contract/src/typebox.ts, which the build
// bundles into one file: a module importing them from 'typebox' itself would have Node load the
// package's some 700 modules again at every start of the server, and of every emulator a test
// starts (about 0.35 s). Its types may come from 'typebox' (`import type`, erased).

const PACKAGES = join(import.meta.dirname, '../../packages');
const ALLOWED = new Set(['contract/src/typebox.ts']);

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory())
      return entry.name === 'node_modules' || entry.name === 'dist' ? [] : sources(path);
    return /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

it("the workspace's code takes TypeBox's values from the contract's typebox.ts only", () => {
  const offending = readdirSync(PACKAGES)
    .flatMap((name) => sources(join(PACKAGES, name, 'src')))
    .filter((path) => !ALLOWED.has(relative(PACKAGES, path)))
    .filter((path) =>
      // An import or re-export of a value from 'typebox' or one of its subpaths; `import type` aside.
      /^\s*(import|export)\s+(?!type\s)[^;]*?\bfrom\s+'typebox(\/[^']*)?'/m.test(readFileSync(path, 'utf8')),
    )
    .map((path) => relative(PACKAGES, path));
  expect(offending).toEqual([]);
});
