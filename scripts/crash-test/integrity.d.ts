import type { IntegrityCheck } from './crash-cycles.js';

/** Types of integrity.js. */
export function checkSqlite(dataDir: string): { ok: boolean; checks: IntegrityCheck[] };
export function checkPostgres(
  databaseUrl: string,
  schema: string,
): Promise<{ ok: boolean; checks: IntegrityCheck[] }>;
