import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

/**
 * `dist/emulator-server.js`: the CLI (packages/cli/dist/main.js, built by tsc) with the workspace
 * and the npm packages it imports bundled into ONE file, which `startEmulator()` runs in the
 * repository: Node then reads one module at start instead of some 550 (Node 20 has no compile
 * cache), which takes about a quarter off the emulator's start. Minified (names kept, for stack
 * traces and the libraries that read them): V8 compiles the whole file at start, 1.7 MB rather
 * than 3.2. Left to Node: better-sqlite3 (a native addon) and pg (loaded only for a PostgreSQL
 * URL, which an emulator never has). The packed `@ddm-jobs/testing` leaves this file out and runs
 * the installed `ddm-jobs` package instead.
 */
const EXTERNAL = /^(node:|better-sqlite3$|pg$|pg\/|pg-)/;

/**
 * The server finds its version, the demo scenario and the console from its package's folder
 * (install/package-root.ts), the nearest package.json above its module. Here that module sits
 * in packages/testing/dist: it looks from packages/server/dist/install instead, the folder it
 * was built into, still relative to the bundle so the repository can be moved.
 */
const serverPackageRoot: Plugin = {
  name: 'server-package-root',
  transform(code, id) {
    if (!id.endsWith('/server/dist/install/package-root.js')) return null;
    const from = 'findPackageRoot(dirname(fileURLToPath(import.meta.url)))';
    if (!code.includes(from)) throw new Error(`${id}: PACKAGE_ROOT no longer computed as ${from}`);
    return code.replace(
      from,
      "findPackageRoot(fileURLToPath(new URL('../../server/dist/install/', import.meta.url)))",
    );
  },
};

export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  logLevel: 'warn',
  plugins: [serverPackageRoot],
  ssr: { noExternal: true, target: 'node' },
  build: {
    ssr: fileURLToPath(new URL('../cli/dist/main.js', import.meta.url)),
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: false,
    target: 'node20',
    minify: true,
    sourcemap: false,
    rolldownOptions: {
      external: (id) => EXTERNAL.test(id),
      output: { format: 'es', entryFileNames: 'emulator-server.js', codeSplitting: false, keepNames: true },
    },
  },
});
