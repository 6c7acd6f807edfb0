import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * TypeBox bundled into one module over tsc's dist/typebox.js (src/typebox.ts says why): the
 * same exports, from one file instead of some 700. It holds TypeBox's code only, so it never
 * goes stale as the contract changes; without it (tsc alone) the re-export loads the package.
 */
export default defineConfig({
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: false,
    sourcemap: false,
    minify: false,
    target: 'node20',
    lib: {
      entry: fileURLToPath(new URL('./src/typebox.ts', import.meta.url)),
      formats: ['es'],
      fileName: () => 'typebox.js',
    },
  },
});
