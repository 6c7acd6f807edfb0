import { readFileSync } from 'node:fs';
import { canonicalRequest, sign, stringToSign, verifySignature } from '@ddm-jobs/server';
import { describe, expect, it } from 'vitest';

interface Case {
  method: string;
  path: string;
  query: [string, string][];
  headers: Record<string, string>;
  body: string;
  canonical_request: string;
  string_to_sign: string;
  authorization: string;
}
/** Requests signed by the official SDK's signer, with its canonical requests and strings to sign. */
const VECTORS = JSON.parse(
  readFileSync(new URL('../fixtures/aksk-sdk-hmac-sha256-vectors.json', import.meta.url), 'utf8'),
) as { access_key: string; secret_key: string; cases: Case[] };

const sdkEscape = (s: string) =>
  encodeURIComponent(s).replace(
    /[!'()*]/g,
    (c) => `%${(c.codePointAt(0) as number).toString(16).toUpperCase()}`,
  );

/** The request as a server receives it: an escaped target, lowercase header names, the body. */
function received(c: Case) {
  const query = c.query.map(([k, v]) => `${sdkEscape(k)}=${sdkEscape(v)}`).join('&');
  const path = c.path.split('/').map(sdkEscape).join('/');
  const headers: Record<string, string> = { authorization: c.authorization };
  for (const [name, value] of Object.entries(c.headers)) headers[name.toLowerCase()] = value;
  return { method: c.method, url: query ? `${path}?${query}` : path, headers, body: c.body };
}

const signedHeadersOf = (c: Case) => (/SignedHeaders=([^,]+)/.exec(c.authorization)?.[1] ?? '').split(';');
const signatureOf = (c: Case) => /Signature=([0-9a-f]+)/.exec(c.authorization)?.[1] ?? '';
const dateOf = (c: Case) => {
  const d = c.headers['X-Sdk-Date'] as string;
  return Date.UTC(
    +d.slice(0, 4),
    +d.slice(4, 6) - 1,
    +d.slice(6, 8),
    +d.slice(9, 11),
    +d.slice(11, 13),
    +d.slice(13, 15),
  );
};
const verifies = (c: Case, request: ReturnType<typeof received>, now = dateOf(c)) =>
  verifySignature(
    request,
    { accessKey: VECTORS.access_key, signedHeaders: signedHeadersOf(c), signature: signatureOf(c) },
    VECTORS.secret_key,
    now,
  );

describe('the official SDK signer’s vectors', () => {
  it.each(VECTORS.cases.map((c, i) => [`${i}: ${c.method} ${c.path}`, c] as const))(
    'accepts %s, with the same canonical request and string to sign',
    (_name, c) => {
      const request = received(c);
      const canonical = canonicalRequest(request, signedHeadersOf(c));
      expect(canonical).toBe(c.canonical_request);
      expect(stringToSign(c.headers['X-Sdk-Date'] as string, canonical as string)).toBe(c.string_to_sign);
      expect(sign(VECTORS.secret_key, c.headers['X-Sdk-Date'] as string, canonical as string)).toBe(
        signatureOf(c),
      );
      expect(verifies(c, request)).toBe(true);
    },
  );

  const changes: [string, (r: ReturnType<typeof received>) => void][] = [
    ['the method', (r) => (r.method = r.method === 'GET' ? 'POST' : 'GET')],
    ['the path', (r) => (r.url = r.url.replace('/jobs', '/jobz'))],
    [
      'a query value (or an added one)',
      (r) => (r.url = r.url.includes('=') ? r.url.replace(/=(\w)/, '=9$1') : `${r.url}?x=1`),
    ],
    ['a signed header’s value', (r) => (r.headers.host = 'evil.example.com')],
    ['one byte of the body', (r) => (r.body = r.body ? r.body.replace('0', '1') : ' ')],
    ['the date', (r) => (r.headers['x-sdk-date'] = '20250520T150514Z')],
  ];
  for (const [what, change] of changes) {
    it.each(VECTORS.cases.map((c, i) => [i, c] as const))(`refuses case %i with ${what} changed`, (_i, c) => {
      const request = received(c);
      change(request);
      expect(verifies(c, request)).toBe(false);
    });
  }

  it('refuses a vector judged 15 minutes and 1 second after its date, and accepts it at 15 minutes', () => {
    const c = VECTORS.cases[0] as Case;
    expect(verifies(c, received(c), dateOf(c) + 15 * 60_000)).toBe(true);
    expect(verifies(c, received(c), dateOf(c) - 15 * 60_000)).toBe(true);
    expect(verifies(c, received(c), dateOf(c) + 15 * 60_000 + 1000)).toBe(false);
    expect(verifies(c, received(c), dateOf(c) - 15 * 60_000 - 1000)).toBe(false);
  });
});
