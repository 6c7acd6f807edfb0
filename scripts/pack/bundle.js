/**
 * The `ddm-jobs` package's code: the built CLI (packages/cli/dist/main.js) with the workspace
 * packages it imports (@ddm-jobs/server, contract, client) bundled in by Vite, so that the package
 * needs no unpublished package; every npm package stays an import, installed from the registry as
 * the package's dependencies (pinned by its npm-shrinkwrap.json). The server's dynamic imports
 * (the PostgreSQL store, `serve`) become chunks loaded on demand, as in the repository.
 */
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const CLI_ENTRY = fileURLToPath(new URL('../../packages/cli/dist/main.js', import.meta.url));

/** The workspace's own packages, which no registry has: bundled. */
const WORKSPACE = /^@ddm-jobs\//;

/**
 * True for an import left to Node at run time: a bare specifier (an npm package or `node:`)
 * other than the workspace's own.
 *
 * @param {string} id
 */
export function isExternal(id) {
  return !WORKSPACE.test(id) && !id.startsWith('.') && !id.startsWith('/') && !id.startsWith('\0');
}

/**
 * Writes `OUT_DIR/main.js` (the CLI) and its chunks. Answers the npm packages the bundle
 * imports, by name (without subpaths such as `typebox/compile`).
 *
 * @param {string} outDir
 * @returns {Promise<string[]>}
 */
export async function bundleCli(outDir) {
  /** @type {Set<string>} */
  const imported = new Set();
  await build({
    configFile: false,
    root: REPO,
    logLevel: 'warn',
    ssr: { noExternal: true, target: 'node' },
    build: {
      ssr: CLI_ENTRY,
      outDir,
      emptyOutDir: true,
      target: 'node20',
      minify: false,
      sourcemap: false,
      rolldownOptions: {
        external: (id) => {
          if (!isExternal(id)) return false;
          if (!id.startsWith('node:')) imported.add(packageName(id));
          return true;
        },
        output: { format: 'es', entryFileNames: 'main.js', chunkFileNames: 'chunks/[name]-[hash].js' },
      },
    },
  });
  return [...imported].sort();
}

/**
 * `@scope/name/sub` → `@scope/name`, `name/sub` → `name`.
 *
 * @param {string} specifier
 */
function packageName(specifier) {
  const parts = specifier.split('/');
  return parts.slice(0, specifier.startsWith('@') ? 2 : 1).join('/');
}
