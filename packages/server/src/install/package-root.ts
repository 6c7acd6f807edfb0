import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Finds the folder holding the package.json nearest above `start`: the code's own package, so
 * that files shipped beside the code are found from wherever it is run.
 */
export function findPackageRoot(start: string): string {
  let dir = start;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`ddm-jobs: no package.json above ${start}`);
    dir = parent;
  }
  return dir;
}

/**
 * The root of the package this code runs from, whatever the working directory: packages/server
 * in the repository (from src/ and dist/ alike), or the installed `ddm-jobs` package, whose
 * dist/ holds this module bundled at another depth (scripts/pack-bundle.js). The version, the
 * demo scenario and the console are found from here.
 */
export const PACKAGE_ROOT: string = findPackageRoot(dirname(fileURLToPath(import.meta.url)));
