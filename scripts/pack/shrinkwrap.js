/**
 * The `ddm-jobs` package's dependency tree, pinned for whoever installs it from a registry:
 * npm-shrinkwrap.json (a package-lock.json in a package npm ignores). npm reads it when the
 * registry says the package has one (the registry notes that on `npm publish`); installing the
 * tarball file itself, npm resolves the package's exact dependencies' own ranges anew. The tree
 * is the repository's own (package-lock.json), the one the suite runs: npm starts from the
 * repository's runtime entries and only prunes what the package does not use; a version that
 * would differ from the repository's stops the packing.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_LOCK = fileURLToPath(new URL('../../package-lock.json', import.meta.url));

/**
 * @typedef {{ version?: string, dev?: boolean, link?: boolean, resolved?: string } & Record<string, unknown>} LockEntry
 * @typedef {{ packages: Record<string, LockEntry> } & Record<string, unknown>} Lockfile
 */

/** @returns {Lockfile} */
function readRepoLock() {
  return JSON.parse(readFileSync(REPO_LOCK, 'utf8'));
}

/**
 * The version the repository installs for package `name` as seen from workspace `workspaces`
 * (their own node_modules first, then the root's, as Node resolves).
 *
 * @param {string} name
 * @param {string[]} workspaces e.g. ['packages/server', 'packages/cli']
 */
export function repoVersion(name, workspaces) {
  const { packages } = readRepoLock();
  for (const key of [...workspaces.map((ws) => `${ws}/node_modules/${name}`), `node_modules/${name}`]) {
    const version = packages[key]?.version;
    if (version) return version;
  }
  throw new Error(`pack: ${name} is not in package-lock.json`);
}

/**
 * The repository's runtime entries as one tree rooted at the package: the workspaces' nested
 * entries (packages/server/node_modules/x) move to the root, where they win over the repository
 * root's entry of the same name, which served another workspace or a tool.
 *
 * @param {string[]} workspaces
 * @returns {Record<string, LockEntry>}
 */
function seedEntries(workspaces) {
  const { packages } = readRepoLock();
  /** @type {Record<string, LockEntry>} */
  const seed = {};
  for (const [key, entry] of Object.entries(packages)) {
    if (
      key.startsWith('node_modules/') &&
      !entry.dev &&
      !entry.link &&
      !key.startsWith('node_modules/@ddm-jobs/')
    ) {
      seed[key] = entry;
    }
  }
  for (const ws of workspaces) {
    for (const [key, entry] of Object.entries(packages)) {
      if (key.startsWith(`${ws}/node_modules/`) && !entry.dev) seed[key.slice(ws.length + 1)] = entry;
    }
  }
  return seed;
}

/**
 * Writes `DIR/npm-shrinkwrap.json` for the package.json in DIR, then checks that every package in
 * it has a version the repository installs, but for the pinned packages and their own
 * dependencies. Asks the registry nothing the npm cache holds.
 *
 * @param {string} dir the staged package
 * @param {string[]} workspaces the workspaces whose runtime dependencies it carries
 * @param {string[]} pinned the names the package pins at versions of its own
 */
export function writeShrinkwrap(dir, workspaces, pinned) {
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const root = {
    name: manifest.name,
    version: manifest.version,
    license: manifest.license,
    dependencies: manifest.dependencies,
    bin: manifest.bin,
    engines: manifest.engines,
  };
  const seed = { name: manifest.name, version: manifest.version, lockfileVersion: 3, requires: true };
  writeFileSync(
    join(dir, 'package-lock.json'),
    `${JSON.stringify({ ...seed, packages: { '': root, ...seedEntries(workspaces) } }, null, 2)}\n`,
  );
  // npm keeps the seeded versions that satisfy the ranges and drops what nothing requires.
  execFileSync(
    'npm',
    ['install', '--package-lock-only', '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund'],
    { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  renameSync(join(dir, 'package-lock.json'), join(dir, 'npm-shrinkwrap.json'));

  /** @type {Lockfile} */
  const shrinkwrap = JSON.parse(readFileSync(join(dir, 'npm-shrinkwrap.json'), 'utf8'));
  const tested = new Set(
    Object.entries(readRepoLock().packages).map(
      ([key, entry]) => `${key.replace(/^.*node_modules\//, '')}@${entry.version}`,
    ),
  );
  const nameOf = (/** @type {string} */ key) => key.replace(/^.*node_modules\//, '');
  const exempt = new Set(pinned);
  for (const [key, entry] of Object.entries(shrinkwrap.packages)) {
    if (!pinned.includes(nameOf(key))) continue;
    const dependencies = /** @type {Record<string, string> | undefined} */ (entry.dependencies);
    for (const dependency of Object.keys(dependencies ?? {})) exempt.add(dependency);
  }
  const untested = Object.entries(shrinkwrap.packages)
    .filter(([key]) => key !== '' && !exempt.has(nameOf(key)))
    .map(([key, entry]) => `${nameOf(key)}@${entry.version}`)
    .filter((id) => !tested.has(id));
  if (untested.length > 0) {
    throw new Error(
      `pack: the package would install versions the repository does not: ${untested.join(', ')}`,
    );
  }
}
