import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** How to run `ddm-jobs`: an executable and the arguments that come before `serve`. */
export interface DdmJobsCommand {
  file: string;
  args: string[];
}

const require = createRequire(import.meta.url);

/** The `bin/ddm-jobs.js` of a package resolvable from here, run with this very node. */
function packageBin(name: string): DdmJobsCommand | undefined {
  let manifest: string;
  try {
    manifest = require.resolve(`${name}/package.json`);
  } catch {
    return undefined;
  }
  const bin = join(dirname(manifest), 'bin', 'ddm-jobs.js');
  return existsSync(bin) ? { file: process.execPath, args: [bin] } : undefined;
}

/**
 * The CLI bundled into one file beside this module (vite.config.ts, by `npm run build`): it
 * starts in about half the time of the CLI's some 550 modules. Only the repository has it: the
 * packed package leaves it out (its server's dependencies are the `ddm-jobs` package's).
 */
function bundledServer(): DdmJobsCommand | undefined {
  const bundle = fileURLToPath(new URL('./emulator-server.js', import.meta.url));
  return existsSync(bundle) ? { file: process.execPath, args: [bundle] } : undefined;
}

/**
 * Which `ddm-jobs` to run, first found: the `command` option; `DDM_JOBS_COMMAND`; the `ddm-jobs`
 * package installed beside this one (`npm install` of its tarball); in the ddm-jobs repository,
 * its CLI bundled into one file (by `npm run build`); `ddm-jobs` on the PATH.
 */
export function findCommand(command: string | undefined): DdmJobsCommand {
  const named = command ?? (process.env.DDM_JOBS_COMMAND || undefined);
  if (named) return { file: named, args: [] };
  return packageBin('ddm-jobs') ?? bundledServer() ?? { file: 'ddm-jobs', args: [] };
}
