import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';

/**
 * The ids of the tenant stream's events. The feed's cursors count every project's changes, so a
 * tenant shown them could read from the gaps how busy the other tenants are. A tenant is shown
 * instead its cursor sealed for its project: opaque, unordered, and refused on any other project,
 * yet opened again by any node (the key is shared through the database) and after a restart.
 *
 * An id is base64url(0x01 ‖ AES-256(cursor as 8 bytes ‖ the first 8 bytes of
 * HMAC-SHA256(project id ‖ cursor))): one AES block over a plaintext that never repeats (each
 * cursor is one entry of one project), so ids look random and show nothing but which event they
 * are (the same event always gets the same id); the MAC binds the project and makes a forged or
 * altered id fail to open (a guess succeeds once in 2^64). Both keys are derived (HKDF-SHA256)
 * from one 256-bit secret used for nothing else.
 */
export interface TenantEventIds {
  /** The `id` of the feed entry at `cursor` on the stream of `projectId`. */
  seal(projectId: string, cursor: number): string;
  /** The cursor an id stands for; undefined when it is not an id sealed for `projectId`. */
  open(projectId: string, id: string): number | undefined;
}

/** The shared secret's name in the store (one row, created by the first node to start). */
export const TENANT_EVENT_ID_SECRET = 'tenant-event-id-key-1';

export const newTenantEventIdSecret = (): Buffer => randomBytes(32);

const VERSION = 1;
/** The version byte and one AES block, in base64url. */
const ID_PATTERN = /^[A-Za-z0-9_-]{23}$/;

const derive = (secret: Buffer, purpose: string) =>
  Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), `ddm-jobs tenant event id ${purpose}`, 32));

export function createTenantEventIds(secret: Buffer): TenantEventIds {
  const encryptionKey = derive(secret, 'encryption');
  const macKey = derive(secret, 'authentication');
  const macOf = (projectId: string, cursorBytes: Buffer) =>
    createHmac('sha256', macKey)
      // The cursor's fixed 8 bytes first, so that no project id and cursor can read as another pair.
      .update(cursorBytes)
      .update(projectId, 'utf8')
      .digest()
      .subarray(0, 8);
  const block = (decrypt: boolean, input: Buffer) => {
    const cipher = decrypt
      ? createDecipheriv('aes-256-ecb', encryptionKey, null)
      : createCipheriv('aes-256-ecb', encryptionKey, null);
    cipher.setAutoPadding(false);
    return Buffer.concat([cipher.update(input), cipher.final()]);
  };
  return {
    seal(projectId, cursor) {
      const cursorBytes = Buffer.alloc(8);
      cursorBytes.writeBigUInt64BE(BigInt(cursor));
      const sealed = block(false, Buffer.concat([cursorBytes, macOf(projectId, cursorBytes)]));
      return Buffer.concat([Buffer.of(VERSION), sealed]).toString('base64url');
    },
    open(projectId, id) {
      if (!ID_PATTERN.test(id)) return undefined;
      const raw = Buffer.from(id, 'base64url');
      // Re-encoded to compare: base64url's last character has spare bits another text could set.
      if (raw.length !== 17 || raw[0] !== VERSION || raw.toString('base64url') !== id) return undefined;
      const plain = block(true, raw.subarray(1));
      const cursorBytes = plain.subarray(0, 8);
      if (!timingSafeEqual(plain.subarray(8), macOf(projectId, cursorBytes))) return undefined;
      const cursor = cursorBytes.readBigUInt64BE();
      return cursor <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(cursor) : undefined;
    },
  };
}
