import { createHmac, timingSafeEqual } from 'node:crypto';
import { canonicalRequest, type SignedParts, stringToSign } from './canonical-request.js';

export const SIGNATURE_SCHEME = 'SDK-HMAC-SHA256';

/** How far `X-Sdk-Date` may lie from the server's clock, either way (docs/api.md, "Authentication"). */
export const MAX_CLOCK_SKEW_MS = 15 * 60_000;

/** The headers every signature must cover (docs/api.md, "Authentication"). */
export const REQUIRED_SIGNED_HEADERS = ['host', 'x-sdk-date'] as const;

export interface AuthorizationHeader {
  accessKey: string;
  signedHeaders: string[];
  signature: string;
}

const AUTHORIZATION =
  /^SDK-HMAC-SHA256\s+Access=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-fA-F]{64})\s*$/;

/** Whether the request claims to be signed; such a request is judged by its signature alone. */
export const isSigned = (headers: SignedParts['headers']): boolean =>
  typeof headers.authorization === 'string' && headers.authorization.startsWith(`${SIGNATURE_SCHEME} `);

/** The parts of `Authorization: SDK-HMAC-SHA256 Access=..., SignedHeaders=..., Signature=...`. */
export function parseAuthorization(value: string | undefined): AuthorizationHeader | undefined {
  const match = value === undefined ? null : AUTHORIZATION.exec(value);
  if (!match) return undefined;
  const signedHeaders = (match[2] as string).split(';');
  // X-Sdk-Date must be signed, or a captured request could be replayed with a fresh date; Host
  // too (the official SDKs always sign it), or it could be replayed at another endpoint that
  // shares the key.
  const covered = REQUIRED_SIGNED_HEADERS.every((name) => signedHeaders.includes(name));
  if (!covered || signedHeaders.some((h) => h === '' || h !== h.toLowerCase())) return undefined;
  return { accessKey: match[1] as string, signedHeaders, signature: (match[3] as string).toLowerCase() };
}

/** `yyyymmddThhmmssZ` as epoch milliseconds; undefined for any other text. */
export function parseSdkDate(value: unknown): number | undefined {
  const m = typeof value === 'string' ? /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value) : null;
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const time = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(time);
  // Rejects 20250231T... and the like, which Date.UTC would roll over.
  return back.getUTCMonth() === mo - 1 && back.getUTCDate() === d && h < 24 && mi < 60 && s < 60
    ? time
    : undefined;
}

/** The hex HMAC-SHA256 of the string to sign, keyed with the secret key. */
export const sign = (secretKey: string, date: string, canonical: string): string =>
  createHmac('sha256', secretKey).update(stringToSign(date, canonical)).digest('hex');

/**
 * Whether the request carries a valid signature by `secretKey`, dated within the allowed skew
 * of `now`. One boolean, whatever was wrong: the caller's answer must not tell which part.
 * The signatures are compared in constant time.
 */
export function verifySignature(
  request: SignedParts,
  authorization: AuthorizationHeader,
  secretKey: string,
  now: number,
): boolean {
  const date = request.headers['x-sdk-date'];
  const time = parseSdkDate(date);
  const canonical = canonicalRequest(request, authorization.signedHeaders);
  const expected = Buffer.from(sign(secretKey, String(date), canonical ?? ''), 'latin1');
  const given = Buffer.from(authorization.signature, 'latin1');
  const same = given.length === expected.length && timingSafeEqual(given, expected);
  return same && canonical !== undefined && time !== undefined && Math.abs(now - time) <= MAX_CLOCK_SKEW_MS;
}
