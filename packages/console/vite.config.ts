import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The Task Center as static files: `dist/index.html` and hashed `dist/assets/*`, which the server
 * serves under `/console/` (the assets cached for good, the page revalidated). The server's
 * Content-Security-Policy allows scripts and styles from the page's origin only, so the output
 * has no inline script: no module-preload polyfill (every browser that runs the page has
 * `modulepreload`).
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/console/',
  logLevel: 'warn',
  // JSX through Vite's own transform (oxc), to Preact's automatic runtime: no framework plugin.
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    modulePreload: { polyfill: false },
    // Small files stay files: a data: URL in a stylesheet or script is needless under the CSP.
    assetsInlineLimit: 0,
  },
});
