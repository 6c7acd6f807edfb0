import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The credential key file (`ddm-jobs serve --credential-key-file`): 32 random bytes in base64,
// mode 0600, as the server writes it. The helper writes it before the server starts, so that it
// knows the key (the emulator's identities derive from it: identities.ts), and so that several
// emulators started at once by one test process share one key without racing to create it.

let processKeyFile: string | undefined;

/** One key file for every emulator of this process that names none; removed when it exits. */
function processKey(): string {
  if (!processKeyFile) {
    const dir = mkdtempSync(join(tmpdir(), 'ddm-jobs-key-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    processKeyFile = join(dir, 'credential.key');
    writeFileSync(processKeyFile, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
  }
  return processKeyFile;
}

/**
 * The key file to start an emulator with, and its key: `file` as it is (created first when
 * missing, so that a later emulator can be given the same one), or this process's own.
 */
export function credentialKey(file?: string): { file: string; key: Buffer } {
  const path = file ?? processKey();
  if (!existsSync(path)) {
    try {
      writeFileSync(path, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      // Another emulator created it a moment ago: read theirs.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  const key = Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
  if (key.length !== 32) throw new Error(`credential key file ${path} does not hold a base64 256-bit key`);
  return { file: path, key };
}
