import { readFile } from 'node:fs/promises';
import { BootstrapError } from '../identity/ids.js';
import { parseSnapshot, type SnapshotDocument, SnapshotError } from './document.js';

/**
 * Reads and checks the snapshot file a server starts from (`--snapshot`). Its faults (no such
 * file, not a snapshot, a version this release does not read, no `--emulator`) are the start's
 * usage errors, reported before anything is written.
 */
export async function readSnapshotFile(
  file: string,
  options: { emulator?: boolean | undefined },
): Promise<SnapshotDocument> {
  if (!options.emulator) throw new BootstrapError("--snapshot is the emulator's: give --emulator with it");
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new BootstrapError(`cannot read the snapshot ${file}: ${(error as Error).message}`);
  }
  try {
    return parseSnapshot(text);
  } catch (error) {
    if (error instanceof SnapshotError) throw new BootstrapError(`snapshot ${file}: ${error.message}`);
    throw error;
  }
}
