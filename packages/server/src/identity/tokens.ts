import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Tokens are opaque to clients: AES-256-GCM over a small JSON payload, with a key that every
 * node reads from the shared database, so any node verifies any token with no per-node memory.
 * GCM authenticates as it decrypts: a token that was forged or altered does not decrypt.
 */

export interface TokenPayload {
  /** user id */
  u: string;
  /** project id, or null for an unscoped token */
  p: string | null;
  /** issued at, epoch ms */
  i: number;
  /** expires at, epoch ms */
  e: number;
  /** the user's token epoch when issued: a password change or a disable kills the token */
  v: number;
  /** audit id, as Keystone's audit_ids */
  a: string;
}

export const TOKEN_KEY_NAME = 'token-key-1';
const KEY_ID = 1;
const IV_LENGTH = 12;
const TAG_LENGTH = 16;

export function newTokenKey(): Buffer {
  return randomBytes(32);
}

export interface TokenCodec {
  seal(payload: TokenPayload): string;
  /** The payload, or undefined for anything that is not a token this key sealed. */
  open(token: string): TokenPayload | undefined;
}

/** Verified tokens are remembered (decryption is the costly part), in a bounded map. */
const CACHE_LIMIT = 10_000;

export function createTokenCodec(key: Buffer): TokenCodec {
  const cache = new Map<string, TokenPayload>();
  const remember = (token: string, payload: TokenPayload) => {
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
    cache.set(token, payload);
  };
  return {
    seal(payload) {
      const iv = randomBytes(IV_LENGTH);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(JSON.stringify(payload), 'utf8'), cipher.final()]);
      return Buffer.concat([Buffer.from([KEY_ID]), iv, body, cipher.getAuthTag()]).toString('base64url');
    },
    open(token) {
      const known = cache.get(token);
      if (known) return known;
      if (token.length > 2048 || !/^[A-Za-z0-9_-]+$/.test(token)) return undefined;
      const raw = Buffer.from(token, 'base64url');
      if (raw.length < 1 + IV_LENGTH + TAG_LENGTH + 2 || raw[0] !== KEY_ID) return undefined;
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(1, 1 + IV_LENGTH));
        decipher.setAuthTag(raw.subarray(raw.length - TAG_LENGTH));
        const json = Buffer.concat([
          decipher.update(raw.subarray(1 + IV_LENGTH, raw.length - TAG_LENGTH)),
          decipher.final(),
        ]);
        const payload = JSON.parse(json.toString('utf8')) as TokenPayload;
        remember(token, payload);
        return payload;
      } catch {
        return undefined;
      }
    },
  };
}
