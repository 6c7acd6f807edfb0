import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from './install/package-root.js';

/**
 * The release of ddm-jobs, shown in the OpenAPI document and `ddm-jobs --version`: the version
 * of the package this code runs from (the server's in the repository, `ddm-jobs`'s once
 * installed), read from its package.json, so that it is written in one place.
 */
export const VERSION: string = (
  JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }
).version;
