/**
 * `npm run pack`: the two installable packages as tarballs, after `npm run build`:
 *
 * - `ddm-jobs-VERSION.tgz`: the server, the CLI, the console and the scenarios, one command
 *   (`npm install -g --allow-scripts=better-sqlite3 ./ddm-jobs-VERSION.tgz`, then `ddm-jobs serve`
 *   from any folder). The workspace's code is bundled in (bundle.js); its npm dependencies are
 *   pinned by an npm-shrinkwrap.json (shrinkwrap.js).
 * - `ddm-jobs-client-VERSION.tgz`: the SDK (`npm install ./ddm-jobs-client-VERSION.tgz`), one ES
 *   module and its declarations, no dependency (client-types.js).
 * - `ddm-jobs-testing-VERSION.tgz`: the test helper (`startEmulator`), which runs the `ddm-jobs`
 *   package's command.
 *
 * Usage: node scripts/pack/run.js [--out DIR]   (DIR: dist-packages/ of the repository)
 * Prints each tarball's path, one a line.
 */
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { bundleCli } from './bundle.js';
import { stageClientTypes } from './client-types.js';
import { repoVersion, writeShrinkwrap } from './shrinkwrap.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
/** The workspaces bundled into `ddm-jobs`, whose npm dependencies become its own. */
const BUNDLED_WORKSPACES = ['packages/cli', 'packages/server', 'packages/contract', 'packages/client'];

/**
 * Dependencies the package pins although its code does not import them, so that what npm
 * installs declares the documented Node version. Installers ignore `overrides`, and npm reads a
 * shrinkwrap only from a registry's package, not from a tarball file. fastify asks for
 * light-my-request ^6, whose 6.8 takes cookie 2, which declares Node 22; 6.6.0 takes cookie 1
 * (Node 18+), and fastify uses the copy at the top (fastify loads it only for inject(), which
 * the installed server never calls).
 */
const PINNED = { 'light-my-request': '6.6.0' };

/** @param {string} path */
const readJson = (path) => JSON.parse(readFileSync(join(REPO, path), 'utf8'));
/** @param {string} path @param {unknown} value */
const writeJson = (path, value) => writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);

/** @param {string} path what `npm run build` writes */
function requireBuilt(path) {
  if (!existsSync(join(REPO, path))) throw new Error(`pack: ${path} is missing: run \`npm run build\` first`);
}

/**
 * Stages the `ddm-jobs` package in DIR: bin/, dist/ (the bundle), console/ (the built Task
 * Center), scenarios/ (the demo and the examples), its manifest and shrinkwrap.
 *
 * @param {string} dir
 */
async function stageServer(dir) {
  const root = readJson('package.json');
  const imported = await bundleCli(join(dir, 'dist'));
  cpSync(join(REPO, 'packages/cli/bin'), join(dir, 'bin'), { recursive: true });
  cpSync(join(REPO, 'packages/console/dist'), join(dir, 'console'), { recursive: true });
  mkdirSync(join(dir, 'scenarios'));
  for (const folder of ['packages/server/scenarios', 'scenarios']) {
    for (const file of readdirSync(join(REPO, folder)).filter((name) => name.endsWith('.yaml'))) {
      cpSync(join(REPO, folder, file), join(dir, 'scenarios', file));
    }
  }
  cpSync(join(REPO, 'scripts/pack/README.ddm-jobs.md'), join(dir, 'README.md'));
  for (const file of ['LICENSE', 'CHANGELOG.md']) cpSync(join(REPO, file), join(dir, file));
  writeJson(join(dir, 'package.json'), {
    name: 'ddm-jobs',
    version: root.version,
    description:
      'The task service of a DDM control plane (the DDM V3 task API of Open Telekom Cloud and Huawei Cloud): server, CLI, web console and scenarios',
    license: root.license,
    type: 'module',
    bin: { 'ddm-jobs': 'bin/ddm-jobs.js' },
    // npm packs a shrinkwrap only when `files` names it.
    files: ['bin', 'dist', 'console', 'scenarios', 'CHANGELOG.md', 'npm-shrinkwrap.json'],
    engines: root.engines,
    // Exact versions: the ones the repository's tests run with.
    dependencies: {
      ...Object.fromEntries(imported.map((name) => [name, repoVersion(name, BUNDLED_WORKSPACES)])),
      ...PINNED,
    },
  });
  writeShrinkwrap(dir, BUNDLED_WORKSPACES, Object.keys(PINNED));
}

/**
 * Stages `@ddm-jobs/client` in DIR: the built SDK, its README and a manifest without the
 * workspace's private flag and development dependency.
 *
 * @param {string} dir
 */
function stageClient(dir) {
  const root = readJson('package.json');
  const { private: _private, devDependencies: _dev, ...manifest } = readJson('packages/client/package.json');
  cpSync(join(REPO, 'packages/client/dist'), join(dir, 'dist'), {
    recursive: true,
    filter: (source) => !source.endsWith('.d.ts'),
  });
  stageClientTypes(join(dir, 'dist'));
  for (const file of ['LICENSE', 'CHANGELOG.md']) cpSync(join(REPO, file), join(dir, file));
  cpSync(join(REPO, 'packages/client/README.md'), join(dir, 'README.md'));
  writeJson(join(dir, 'package.json'), {
    ...manifest,
    version: root.version,
    files: [...manifest.files, 'CHANGELOG.md'],
  });
}

/**
 * Stages `@ddm-jobs/testing` in DIR: the built helper (its JavaScript and declarations), its
 * README and a manifest without the private flag, its dependencies at the repository's exact
 * versions. It starts the `ddm-jobs` package's command, installed beside it.
 *
 * @param {string} dir
 */
function stageTesting(dir) {
  const root = readJson('package.json');
  const { private: _private, ...manifest } = readJson('packages/testing/package.json');
  cpSync(join(REPO, 'packages/testing/dist'), join(dir, 'dist'), {
    recursive: true,
    // emulator-server.js: the repository's CLI bundled for its own tests (packages/testing/
    // vite.config.ts); the packed helper runs the `ddm-jobs` package instead.
    filter: (source) =>
      !source.endsWith('.map') && !source.endsWith('.tsbuildinfo') && !source.endsWith('emulator-server.js'),
  });
  for (const file of ['LICENSE', 'CHANGELOG.md']) cpSync(join(REPO, file), join(dir, file));
  cpSync(join(REPO, 'packages/testing/README.md'), join(dir, 'README.md'));
  const workspace = ['packages/testing'];
  writeJson(join(dir, 'package.json'), {
    ...manifest,
    version: root.version,
    files: [...manifest.files, 'CHANGELOG.md'],
    dependencies: Object.fromEntries(
      Object.keys(manifest.dependencies ?? {}).map((name) => [name, repoVersion(name, workspace)]),
    ),
  });
}

/**
 * `npm pack` of a staged folder into OUT; answers the tarball's path.
 *
 * @param {string} dir
 * @param {string} out
 */
function pack(dir, out) {
  const [result] = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--pack-destination', out], { cwd: dir, encoding: 'utf8' }),
  );
  return join(out, result.filename);
}

const { values } = parseArgs({ options: { out: { type: 'string' } } });
const out = resolve(values.out ?? join(REPO, 'dist-packages'));
for (const path of [
  'packages/cli/dist/main.js',
  'packages/console/dist/index.html',
  'packages/client/dist/index.js',
  'packages/testing/dist/index.js',
]) {
  requireBuilt(path);
}
mkdirSync(out, { recursive: true });
const stage = mkdtempSync(join(tmpdir(), 'ddm-jobs-pack-'));
try {
  mkdirSync(join(stage, 'ddm-jobs'));
  mkdirSync(join(stage, 'client'));
  mkdirSync(join(stage, 'testing'));
  await stageServer(join(stage, 'ddm-jobs'));
  stageClient(join(stage, 'client'));
  stageTesting(join(stage, 'testing'));
  for (const staged of ['ddm-jobs', 'client', 'testing'])
    process.stdout.write(`${pack(join(stage, staged), out)}\n`);
} finally {
  rmSync(stage, { recursive: true, force: true });
}
