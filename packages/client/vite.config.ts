import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The SDK as one ES module with the contract's constants inlined: no runtime dependency for
 * whoever installs it, in Node or in a browser. tsc writes the declarations beside it.
 */
export default defineConfig({
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: false,
    sourcemap: true,
    minify: false,
    target: 'es2022',
    lib: {
      entry: fileURLToPath(new URL('./src/index.ts', import.meta.url)),
      formats: ['es'],
      fileName: () => 'index.js',
    },
  },
});
