import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** What a signature covers: the request as received, before any parsing. */
export interface SignedParts {
  method: string;
  /** The raw request target: path and query, percent-encoded as sent. */
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer | string;
}

/**
 * The SDK's escape (Python's `quote(s, safe='~')`): everything but A-Z a-z 0-9 - _ . ~ is
 * percent-encoded, which is encodeURIComponent plus ! ' ( ) *.
 */
export const sdkEscape = (value: string): string =>
  encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${(c.codePointAt(0) as number).toString(16).toUpperCase()}`,
  );

const sha256Hex = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

/**
 * The canonical path as the SDK computes it: the whole path unescaped, split on `/`, each
 * segment escaped again, and a `/` appended unless it ends with one. Undefined when the path
 * does not decode (no SDK sent it).
 */
function canonicalPath(rawPath: string): string | undefined {
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    return undefined;
  }
  const joined = path.split('/').map(sdkEscape).join('/');
  return joined.endsWith('/') ? joined : `${joined}/`;
}

/** The query sorted by key (then value), each `k=v` escaped, joined by `&`. */
function canonicalQuery(rawQuery: string): string | undefined {
  const pairs: [string, string][] = [];
  try {
    for (const part of rawQuery.split('&')) {
      if (part === '') continue;
      const at = part.indexOf('=');
      const key = decodeURIComponent(at < 0 ? part : part.slice(0, at));
      pairs.push([key, at < 0 ? '' : decodeURIComponent(part.slice(at + 1))]);
    }
  } catch {
    return undefined;
  }
  const escaped = pairs.map(([k, v]) => [sdkEscape(k), sdkEscape(v)] as const);
  escaped.sort(([ka, va], [kb, vb]) => (ka < kb ? -1 : ka > kb ? 1 : va < vb ? -1 : va > vb ? 1 : 0));
  return escaped.map(([k, v]) => `${k}=${v}`).join('&');
}

/**
 * The canonical request of docs/api.md, "Authentication": method, path, query, signed headers (each
 * `name:trimmed value\n`), signed header names joined by `;`, and the hex SHA-256 of the body,
 * joined by newlines. Undefined when a signed header is missing or the target does not decode.
 */
export function canonicalRequest(request: SignedParts, signedHeaders: string[]): string | undefined {
  const at = request.url.indexOf('?');
  const path = canonicalPath(at < 0 ? request.url : request.url.slice(0, at));
  const query = canonicalQuery(at < 0 ? '' : request.url.slice(at + 1));
  if (path === undefined || query === undefined) return undefined;
  let headers = '';
  for (const name of signedHeaders) {
    const value = request.headers[name];
    if (value === undefined) return undefined;
    headers += `${name}:${(Array.isArray(value) ? value.join(',') : value).trim()}\n`;
  }
  return [
    request.method.toUpperCase(),
    path,
    query,
    headers,
    signedHeaders.join(';'),
    sha256Hex(request.body),
  ].join('\n');
}

/** `SDK-HMAC-SHA256\n<X-Sdk-Date>\n<hex sha256 of the canonical request>`. */
export const stringToSign = (date: string, canonical: string): string =>
  `SDK-HMAC-SHA256\n${date}\n${sha256Hex(canonical)}`;
