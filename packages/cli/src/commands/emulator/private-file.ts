import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UsageError } from '../../tenant/usage-error.js';

/**
 * Writes `text` to `file` readable by its owner alone (mode 0600): first to a new file beside it,
 * created with that mode, then renamed over `file`, so that no reader ever finds half of it and
 * no other user can read it even for a moment. An existing `file` is refused unless `force`.
 */
export function writePrivateFile(file: string, text: string, options: { force: boolean }): void {
  refuseExisting(file, options);
  const temporary = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  try {
    // 'wx': a leftover temporary file of another writer is never reused with its own mode.
    writeFileSync(temporary, text, { mode: 0o600, flag: 'wx' });
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

/** A usage error when `file` exists and `force` is not given: checked before any work, and again on writing. */
export function refuseExisting(file: string, options: { force: boolean }): void {
  if (!options.force && existsSync(file)) throw new UsageError(`${file} exists: give --force to replace it`);
}
