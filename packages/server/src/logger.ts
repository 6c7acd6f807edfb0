import pino, { type DestinationStream, type Logger } from 'pino';

/**
 * The server's logger: one JSON line per event on stdout (or, for people, those lines rewritten
 * by pretty-log.ts). What the server logs never holds a secret by construction (the request line
 * names the route template, not the URL, and no header or body is logged: http/observability.ts);
 * redaction is the second line of defence, should a later log call hand over a request, its
 * headers or a parsed body. The scan at the end of every test run (test/support/log-scan.ts)
 * checks the first line holds.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["x-auth-token"]',
  'req.headers["x-subject-token"]',
  'req.headers.cookie',
  'headers.authorization',
  'headers["x-auth-token"]',
  'headers["x-subject-token"]',
  'res.headers["x-subject-token"]',
  'password',
  'body.password',
  '*.password',
  'body.auth.identity.password.user.password',
  'auth.identity.password.user.password',
  'token',
  '*.token',
  'sk',
  '*.sk',
  'secret_key',
  '*.secret_key',
  'secretKey',
  '*.secretKey',
];

/** `json`: one JSON object per line, for machines; `pretty`: readable lines, for people. */
export type LogFormat = 'json' | 'pretty';

export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: 'ddm-jobs' },
    redact: { paths: REDACTED_PATHS, censor: '[Redacted]' },
  };
  return destination ? pino(options, destination) : pino(options);
}
