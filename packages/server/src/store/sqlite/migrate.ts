import type { Database } from 'better-sqlite3';
import { latestVersion, NewerSchemaError } from '../schema-version.js';
import { MIGRATIONS } from './migrations.js';

/**
 * Applies the migrations not yet applied. `BEGIN IMMEDIATE` takes the write lock first, so two
 * processes starting on one file at once apply each migration exactly once. A file a newer
 * release has migrated is refused (NewerSchemaError) before anything is written to it.
 */
export function migrate(db: Database): number[] {
  refuseNewer(db);
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)',
  );
  const applied: number[] = [];
  for (const migration of MIGRATIONS) {
    db.exec('BEGIN IMMEDIATE');
    try {
      const done = db.prepare('SELECT 1 FROM schema_migrations WHERE version = ?').get(migration.version);
      if (!done) {
        db.exec(migration.sql);
        db.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(
          migration.version,
          migration.name,
          Date.now(),
        );
        applied.push(migration.version);
      }
      db.exec('COMMIT');
    } catch (error) {
      db.exec('ROLLBACK');
      throw error;
    }
  }
  return applied;
}

/** Throws NewerSchemaError when the file records a migration above the latest this code knows. */
function refuseNewer(db: Database): void {
  const recorded = db
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'")
    .get();
  if (!recorded) return;
  const found = db.prepare('SELECT max(version) FROM schema_migrations').pluck().get() as number | null;
  const known = latestVersion(MIGRATIONS);
  if (found !== null && found > known) throw new NewerSchemaError(`the database ${db.name} `, found, known);
}
