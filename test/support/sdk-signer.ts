import { createHash, createHmac } from 'node:crypto';

// Signs a request the way the official SDK's signer does (docs/api.md, "Authentication"), written here
// apart from the server's verifier so that the tests check one against the other.

const sdkEscape = (s: string) =>
  encodeURIComponent(s).replace(
    /[!'()*]/g,
    (c) => `%${(c.codePointAt(0) as number).toString(16).toUpperCase()}`,
  );
const hex = (data: string) => createHash('sha256').update(data).digest('hex');

export interface ToSign {
  method: string;
  path: string;
  query?: [string, string][];
  /** Headers to send and sign beside the defaults; `undefined` leaves a default out. */
  headers?: Record<string, string | undefined>;
  body?: string;
}

/** `yyyymmddThhmmssZ` of an epoch time. */
export const sdkDate = (time: number) => new Date(time).toISOString().replace(/[-:]|\.\d{3}/g, '');

/**
 * The headers to send (with `X-Sdk-Date` and `Authorization`) and the URL (path and escaped
 * query) of a request signed with an AK/SK pair at `time`.
 */
export function sdkSign(
  request: ToSign,
  key: { ak: string; sk: string },
  time: number,
): { url: string; headers: Record<string, string> } {
  const headers = Object.fromEntries(
    Object.entries({
      'Content-Type': 'application/json',
      Host: 'ddm.example.com',
      ...request.headers,
      'X-Sdk-Date': sdkDate(time),
    }).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  const query = (request.query ?? []).map(([k, v]) => `${sdkEscape(k)}=${sdkEscape(v)}`);
  const names = Object.keys(headers)
    .map((h) => h.toLowerCase())
    .sort();
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v.trim()]));
  let path = request.path.split('/').map(sdkEscape).join('/');
  if (!path.endsWith('/')) path += '/';
  const canonical = [
    request.method,
    path,
    [...query].sort().join('&'),
    names.map((n) => `${n}:${lower[n]}\n`).join(''),
    names.join(';'),
    hex(request.body ?? ''),
  ].join('\n');
  const toSign = `SDK-HMAC-SHA256\n${headers['X-Sdk-Date']}\n${hex(canonical)}`;
  const signature = createHmac('sha256', key.sk).update(toSign).digest('hex');
  return {
    url: `${request.path.split('/').map(sdkEscape).join('/')}${query.length ? `?${query.join('&')}` : ''}`,
    headers: {
      ...headers,
      Authorization: `SDK-HMAC-SHA256 Access=${key.ak}, SignedHeaders=${names.join(';')}, Signature=${signature}`,
    },
  };
}
