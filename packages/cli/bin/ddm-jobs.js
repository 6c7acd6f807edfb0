#!/usr/bin/env node
// The `ddm-jobs` command. npm links a package's bin when it installs it, which in this workspace is
// before `npm run build` has compiled the CLI: so the bin is this file, present from the start, and
// it loads the compiled CLI only when run.
import { existsSync } from 'node:fs';

const main = new URL('../dist/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('ddm-jobs: the CLI is not built yet: run `npm run build` in the repository first.\n');
  process.exit(1);
}
await import(main.href);
