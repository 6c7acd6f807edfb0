/**
 * The `SDK-HMAC-SHA256` signer of the official SDKs (docs/api.md, "Authentication"), over Web Crypto so
 * that it runs in browsers as in Node. Each stage is exported on its own so that tests can hold
 * it against the official signer's vectors: canonical request, string to sign, Authorization.
 */

/** An access-key pair: the AK names the key, the SK signs and never leaves the client. */
export interface AccessKeyPair {
  accessKey: string;
  secretKey: string;
}

/** What a signature covers. */
export interface SignableRequest {
  method: string;
  /** The path, escaped or not: it is decoded, then each segment escaped the SDK's way. */
  path: string;
  /** The query pairs, unescaped, in any order. */
  query: readonly (readonly [string, string])[];
  /** The headers to sign, by any case; `X-Sdk-Date` among them. */
  headers: Readonly<Record<string, string>>;
  /** The body exactly as sent: the bytes, or a string sent as UTF-8. */
  body: string | Uint8Array;
}

/** The scheme name that opens the Authorization header and the string to sign. */
export const SIGNING_SCHEME = 'SDK-HMAC-SHA256';

const encoder = new TextEncoder();

/**
 * The SDK's escape (Python's `quote(s, safe='~')`): all but `A-Z a-z 0-9 - _ . ~` is
 * percent-encoded, which is encodeURIComponent plus `! ' ( ) *`.
 *
 * @example sdkEscape("a b+c/d~e") // 'a%20b%2Bc%2Fd~e'
 */
export const sdkEscape = (value: string): string =>
  encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${(c.codePointAt(0) as number).toString(16).toUpperCase()}`,
  );

/**
 * The canonical path: decoded, each segment escaped again, and a `/` appended unless present.
 *
 * @example canonicalPath('/v3/some project/jobs') // '/v3/some%20project/jobs/'
 */
export function canonicalPath(path: string): string {
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    // A lone `%` that was never an escape: the path is taken as written.
  }
  const joined = decoded.split('/').map(sdkEscape).join('/');
  return joined.endsWith('/') ? joined : `${joined}/`;
}

/**
 * The canonical query: each key and value escaped, sorted by key then value, joined by `&`.
 *
 * @example canonicalQuery([['start_time', '1'], ['end_time', '2']]) // 'end_time=2&start_time=1'
 */
export function canonicalQuery(pairs: SignableRequest['query']): string {
  const escaped = pairs.map(([k, v]) => [sdkEscape(k), sdkEscape(v)] as const);
  escaped.sort(([ka, va], [kb, vb]) => (ka < kb ? -1 : ka > kb ? 1 : va < vb ? -1 : va > vb ? 1 : 0));
  return escaped.map(([k, v]) => `${k}=${v}`).join('&');
}

/**
 * The signed header names (lowercase, sorted, joined by `;`) and their canonical block: each
 * `name:trimmed value` followed by a newline.
 *
 * @example canonicalHeaders({ Host: 'h', 'X-Sdk-Date': 'd' })
 *   // { signedHeaders: 'host;x-sdk-date', block: 'host:h\nx-sdk-date:d\n' }
 */
export function canonicalHeaders(headers: SignableRequest['headers']): {
  signedHeaders: string;
  block: string;
} {
  const lower = new Map<string, string>();
  for (const [name, value] of Object.entries(headers)) lower.set(name.toLowerCase(), value.trim());
  const names = [...lower.keys()].sort();
  return {
    signedHeaders: names.join(';'),
    block: names.map((name) => `${name}:${lower.get(name)}\n`).join(''),
  };
}

const hex = (bytes: ArrayBuffer) =>
  Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, '0')).join('');

const bytesOf = (data: string | Uint8Array): Uint8Array<ArrayBuffer> =>
  typeof data === 'string' ? encoder.encode(data) : new Uint8Array(data);

/**
 * The lowercase hex SHA-256 of a string (as UTF-8) or of bytes.
 *
 * @example await sha256Hex('') // 'e3b0c442...b855'
 */
export async function sha256Hex(data: string | Uint8Array): Promise<string> {
  return hex(await crypto.subtle.digest('SHA-256', bytesOf(data)));
}

/**
 * The canonical request: method, path, query, header block, signed header names and the body's
 * hash, joined by newlines.
 *
 * @example await canonicalRequest({ method: 'GET', path: '/v3/p/jobs', query: [], headers, body: '' })
 */
export async function canonicalRequest(request: SignableRequest): Promise<string> {
  const { signedHeaders, block } = canonicalHeaders(request.headers);
  return [
    request.method.toUpperCase(),
    canonicalPath(request.path),
    canonicalQuery(request.query),
    block,
    signedHeaders,
    await sha256Hex(request.body),
  ].join('\n');
}

/**
 * `SDK-HMAC-SHA256\n<X-Sdk-Date>\n<hex sha256 of the canonical request>`.
 *
 * @example await stringToSign('20250520T150513Z', canonical)
 */
export async function stringToSign(sdkDate: string, canonical: string): Promise<string> {
  return `${SIGNING_SCHEME}\n${sdkDate}\n${await sha256Hex(canonical)}`;
}

/**
 * The hex HMAC-SHA256 of `text` keyed with the secret key.
 *
 * @example await hmacSha256Hex(secretKey, await stringToSign(date, canonical))
 */
export async function hmacSha256Hex(secretKey: string, text: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    'raw',
    encoder.encode(secretKey),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  return hex(await crypto.subtle.sign('HMAC', key, encoder.encode(text)));
}

/**
 * `yyyymmddThhmmssZ` of an epoch time, the format of `X-Sdk-Date`.
 *
 * @example sdkDate(Date.UTC(2025, 4, 20, 15, 5, 13)) // '20250520T150513Z'
 */
export const sdkDate = (epochMs: number): string =>
  new Date(epochMs).toISOString().replace(/[-:]|\.\d{3}/g, '');

export interface Signature {
  canonicalRequest: string;
  stringToSign: string;
  /** The value of the `Authorization` header. */
  authorization: string;
}

/**
 * Signs a request whose headers already hold `X-Sdk-Date` (and whatever else is to be signed).
 *
 * @example
 * const { authorization } = await signRequest(
 *   { method: 'GET', path: '/v3/p/jobs', query: [], body: '',
 *     headers: { 'Content-Type': 'application/json', Host: 'ddm.example.com', 'X-Sdk-Date': sdkDate(Date.now()) } },
 *   { accessKey: 'AK', secretKey: 'SK' },
 * );
 */
export async function signRequest(request: SignableRequest, key: AccessKeyPair): Promise<Signature> {
  const date = Object.entries(request.headers).find(([name]) => name.toLowerCase() === 'x-sdk-date')?.[1];
  if (date === undefined) throw new TypeError('a signed request needs an X-Sdk-Date header');
  const canonical = await canonicalRequest(request);
  const toSign = await stringToSign(date, canonical);
  const signature = await hmacSha256Hex(key.secretKey, toSign);
  const { signedHeaders } = canonicalHeaders(request.headers);
  return {
    canonicalRequest: canonical,
    stringToSign: toSign,
    authorization: `${SIGNING_SCHEME} Access=${key.accessKey}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
  };
}
