import { readFileSync } from 'node:fs';

/**
 * The release of ddm-jobs, shown in the OpenAPI document and `ddm-jobs --version`: the server
 * package's own version, read from its package.json (one level above src/ and dist/ alike), so
 * that it is written in one place.
 */
export const VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
