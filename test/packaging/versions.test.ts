import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, runToEnd } from '../support/processes.js';

// One version for every package, written in each package.json and shown by `ddm-jobs --version`.

const manifest = (dir: string): { name: string; version: string; license?: string } =>
  JSON.parse(readFileSync(join(REPO, dir, 'package.json'), 'utf8'));
const PACKAGE_DIRS = ['.', ...readdirSync(join(REPO, 'packages')).map((name) => `packages/${name}`)];

describe('the version and the licence', () => {
  it('every package.json carries the root version and license Apache-2.0', () => {
    const { version } = manifest('.');
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
    for (const dir of PACKAGE_DIRS) {
      expect({ dir, version: manifest(dir).version, license: manifest(dir).license }).toEqual({
        dir,
        version,
        license: 'Apache-2.0',
      });
    }
  });

  it('the workspace packages depend on each other at that version', () => {
    const { version } = manifest('.');
    for (const dir of PACKAGE_DIRS) {
      const { dependencies = {}, devDependencies = {} } = manifest(dir) as {
        dependencies?: Record<string, string>;
        devDependencies?: Record<string, string>;
      };
      for (const [name, range] of Object.entries({ ...dependencies, ...devDependencies })) {
        if (name.startsWith('@ddm-jobs/'))
          expect({ dir, name, range }).toEqual({ dir, name, range: version });
      }
    }
  });

  it('`ddm-jobs --version` prints it', async () => {
    const run = await runToEnd(process.execPath, [join(REPO, 'packages/cli/bin/ddm-jobs.js'), '--version']);
    expect(run).toMatchObject({ code: 0, stdout: `${manifest('.').version}\n` });
  });

  it('the CHANGELOG has a section for it, and LICENSE is the Apache License 2.0', () => {
    const changelog = readFileSync(join(REPO, 'CHANGELOG.md'), 'utf8');
    expect(changelog).toContain('## [Unreleased]');
    expect(changelog).toContain(`## [${manifest('.').version}]`);
    const license = readFileSync(join(REPO, 'LICENSE'), 'utf8');
    expect(license).toMatch(/^\s*Apache License\s+Version 2\.0, January 2004/);
    expect(license).toContain('END OF TERMS AND CONDITIONS');
  });
});
