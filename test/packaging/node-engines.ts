import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';

// What the packaging tests share about Node versions: the documented minimum and which packages
// refuse it, read from a lockfile or from an installed node_modules tree.

/** The lowest Node version that an engines.node range admits. */
export function minimumNode(range: string): string {
  const minimum = semver.minVersion(range)?.version;
  if (!minimum) throw new Error(`no Node version satisfies ${range}`);
  return minimum;
}

export interface Declared {
  /** Where it is: a lockfile key or an installed folder. */
  where: string;
  version: string | undefined;
  /** The package's engines.node, if it says one. */
  node: string | undefined;
}

/** The packages among `declared` whose engines.node refuses `version`, as `where@version (range)`. */
export function refusing(declared: Declared[], version: string): string[] {
  return declared
    .filter(({ node }) => node !== undefined && !semver.satisfies(version, node))
    .map(({ where, version: own, node }) => `${where}@${own} (${node})`);
}

/** The engines.node of a package.json's or a lockfile entry's `engines` (old ones hold an array). */
export const nodeRange = (engines: unknown): string | undefined =>
  engines && !Array.isArray(engines) && typeof engines === 'object'
    ? (engines as { node?: string }).node
    : undefined;

/** Every package installed below `nodeModules`, nested ones too, with what it declares. */
export function installedPackages(nodeModules: string): Declared[] {
  if (!existsSync(nodeModules)) return [];
  const found: Declared[] = [];
  for (const name of readdirSync(nodeModules)) {
    if (name.startsWith('.')) continue;
    const folders = name.startsWith('@')
      ? readdirSync(join(nodeModules, name)).map((inner) => join(nodeModules, name, inner))
      : [join(nodeModules, name)];
    for (const folder of folders) {
      const manifestPath = join(folder, 'package.json');
      if (!existsSync(manifestPath)) continue;
      const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
      found.push({ where: folder, version: manifest.version, node: nodeRange(manifest.engines) });
      found.push(...installedPackages(join(folder, 'node_modules')));
    }
  }
  return found;
}
