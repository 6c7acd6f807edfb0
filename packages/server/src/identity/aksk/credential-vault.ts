import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** The key file's name in the data folder, unless `--credential-key-file` names another. */
export const CREDENTIAL_KEY_FILE = 'credential.key';

/**
 * Seals secret keys for the database and opens them again. The key lives in a file apart from
 * the database, so a copy of the database alone (a backup, a leaked file) reveals no secret key.
 */
export interface CredentialVault {
  seal(accessKey: string, secretKey: string): Buffer;
  /** The secret key, or undefined when the sealed value is not from a key this vault knows. */
  open(accessKey: string, sealed: Buffer): string | undefined;
}

const VERSION = 1;
const keyIdOf = (key: Buffer) => createHash('sha256').update(key).digest().subarray(0, 8);

function readKey(file: string): Buffer | undefined {
  if (!existsSync(file)) return undefined;
  const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  if (key.length !== 32) throw new Error(`credential key file ${file} does not hold a base64 256-bit key`);
  return key;
}

/**
 * Writes a new key, readable by the owner only; `exclusive` fails (EEXIST) if the file exists.
 * The key is written whole to a file of its own first and then linked (exclusive) or renamed into
 * place, so another process reading FILE at that moment finds it missing or complete, never empty.
 */
function writeKey(file: string, key: Buffer, exclusive: boolean): void {
  mkdirSync(dirname(file), { recursive: true });
  const draft = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(draft, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  try {
    if (exclusive) linkSync(draft, file);
    else renameSync(draft, file);
  } finally {
    rmSync(draft, { force: true });
  }
}

/** A vault over one fixed key (rotation seals with the new key through this). */
export function vaultWithKey(key: Buffer): CredentialVault & { keyId: Buffer } {
  const keyId = keyIdOf(key);
  return {
    keyId,
    seal(accessKey, secretKey) {
      const iv = randomBytes(12);
      // The access key is authenticated data: a sealed secret moved to another row does not open.
      const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(Buffer.from(accessKey));
      const body = Buffer.concat([cipher.update(secretKey, 'utf8'), cipher.final()]);
      return Buffer.concat([Buffer.of(VERSION), keyId, iv, cipher.getAuthTag(), body]);
    },
    open(accessKey, sealed) {
      if (sealed[0] !== VERSION || !sealed.subarray(1, 9).equals(keyId)) return undefined;
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(9, 21)).setAAD(
          Buffer.from(accessKey),
        );
        decipher.setAuthTag(sealed.subarray(21, 37));
        return Buffer.concat([decipher.update(sealed.subarray(37)), decipher.final()]).toString('utf8');
      } catch {
        return undefined;
      }
    },
  };
}

/**
 * The vault of a key file, created (mode 0600, 32 random bytes in base64) on first need. It
 * also knows the key in `FILE.new`, which a rotation writes before re-sealing the database and
 * renames over FILE after: a sealed value names its key, and an unknown one makes the vault read
 * both files again, so running servers follow a rotation without a restart.
 */
export function openCredentialVault(file: string): CredentialVault {
  let keys: ReturnType<typeof vaultWithKey>[] | undefined;
  const load = () => {
    const found = [readKey(file), readKey(`${file}.new`)].filter((k): k is Buffer => k !== undefined);
    keys = found.map(vaultWithKey);
    return keys;
  };
  const current = () => {
    const key = readKey(file);
    if (key) return vaultWithKey(key);
    try {
      writeKey(file, randomBytes(32), true);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    // Another process may have won the race to create it: read what is there.
    return vaultWithKey(readKey(file) as Buffer);
  };
  return {
    seal(accessKey, secretKey) {
      return current().seal(accessKey, secretKey);
    },
    open(accessKey, sealed) {
      const id = sealed.subarray(1, 9);
      const known =
        (keys ?? load()).find((k) => k.keyId.equals(id)) ?? load().find((k) => k.keyId.equals(id));
      return known?.open(accessKey, sealed);
    },
  };
}

/**
 * Replaces the key of FILE with a new one, re-sealing every secret key in between:
 * 1. the new key is written to FILE.new; 2. `reseal` re-seals every row in one transaction;
 * 3. FILE.new is renamed over FILE. Interrupted after 1, run it again; after 2, the vault reads
 * FILE.new, and running it again finishes the rename first.
 */
export async function rotateCredentialKey(
  file: string,
  reseal: (change: (accessKey: string, sealed: Buffer) => Buffer) => Promise<number>,
): Promise<number> {
  const pending = readKey(`${file}.new`);
  const old = openCredentialVault(file);
  const key = pending ?? randomBytes(32);
  if (!pending) writeKey(`${file}.new`, key, false);
  const fresh = vaultWithKey(key);
  const count = await reseal((accessKey, sealed) => {
    if (sealed.subarray(1, 9).equals(fresh.keyId)) return sealed;
    const secret = old.open(accessKey, sealed);
    if (secret === undefined) throw new Error(`the secret key of ${accessKey} does not open with ${file}`);
    return fresh.seal(accessKey, secret);
  });
  renameSync(`${file}.new`, file);
  return count;
}
