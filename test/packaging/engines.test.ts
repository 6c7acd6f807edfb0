import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { REPO } from '../support/processes.js';
import { type Declared, installedPackages, minimumNode, nodeRange, refusing } from './node-engines.js';

// Node versions told truthfully: the documented minimum (the root package.json's engines) is one
// that every package the repository installs admits, so `npm ci` warns of no engine.
// (install.test.ts checks the tree that installing the packed `ddm-jobs` makes.)

interface LockEntry {
  version?: string;
  dev?: boolean;
  engines?: unknown;
}

const root = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync(join(REPO, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, LockEntry>;
};
const MINIMUM = minimumNode(root.engines.node);

const locked = (include: (entry: LockEntry) => boolean): Declared[] =>
  Object.entries(lock.packages)
    .filter(([key, entry]) => key !== '' && include(entry))
    .map(([key, entry]) => ({ where: key, version: entry.version, node: nodeRange(entry.engines) }));

describe('Node versions', () => {
  it('the documented minimum is a Node 20 release, and this process runs one it admits', () => {
    expect(MINIMUM).toMatch(/^20\./);
    expect(semver.satisfies(process.version, root.engines.node)).toBe(true);
  });

  it('no runtime dependency in package-lock.json declares an engine that refuses it', () => {
    expect(
      refusing(
        locked((entry) => !entry.dev),
        MINIMUM,
      ),
    ).toEqual([]);
  });

  it('no development dependency (the build, the tests) does either', () => {
    expect(
      refusing(
        locked((entry) => Boolean(entry.dev)),
        MINIMUM,
      ),
    ).toEqual([]);
  });

  it('nor does any package installed in node_modules', () => {
    expect(refusing(installedPackages(join(REPO, 'node_modules')), MINIMUM)).toEqual([]);
  });

  it('every package.json of the workspace says the same engines', () => {
    for (const name of ['cli', 'client', 'console', 'contract', 'server']) {
      const manifest = JSON.parse(readFileSync(join(REPO, 'packages', name, 'package.json'), 'utf8'));
      expect({ name, engines: manifest.engines }).toEqual({ name, engines: root.engines });
    }
  });
});
