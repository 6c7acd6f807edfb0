import { createRequire } from 'node:module';

// The yaml package (some 70 modules), loaded when a command first reads or writes YAML rather
// than at every start: `ddm-jobs serve`, which an emulator runs, never touches it through the CLI.
// Synchronous (yaml ships CommonJS), so the callers stay as they were.
const require = createRequire(import.meta.url);

/** The `yaml` module, loaded at the first call. */
export function yaml(): typeof import('yaml') {
  return require('yaml') as typeof import('yaml');
}
