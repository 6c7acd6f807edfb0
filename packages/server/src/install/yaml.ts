import { createRequire } from 'node:module';

// The yaml package (some 70 modules), loaded when a YAML file is first read rather than at every
// start: an emulator's bootstrap file is JSON (JSON.parse reads it) and it has no scenario file.
// Synchronous (yaml ships CommonJS), so the callers stay as they were.
const require = createRequire(import.meta.url);

/** The `yaml` module, loaded at the first call. */
export function yaml(): typeof import('yaml') {
  return require('yaml') as typeof import('yaml');
}
