/** What to do about the usual reasons a server cannot listen, by Node's error code. */
const ADVICE: Record<string, string> = {
  EADDRINUSE: 'the port is in use by another process; stop it, or choose another --port',
  EACCES: 'permission denied; ports below 1024 need privileges, choose another --port',
  EADDRNOTAVAIL: 'the address is not one of this machine’s; check --host',
  ENOTFOUND: 'the host name does not resolve; check --host',
  EAI_AGAIN: 'the host name could not be resolved now; check --host',
};

/**
 * A failure to listen as one line for the command line, which exits with 1 as for any start that
 * fails at run time (a database it cannot open, for one): `cannot listen on 127.0.0.1:8080: the
 * port is in use by another process; stop it, or choose another --port (EADDRINUSE)`.
 */
export function listenFailure(error: unknown, host: string, port: number): Error {
  const code = (error as NodeJS.ErrnoException).code;
  const reason =
    (code && ADVICE[code] && `${ADVICE[code]} (${code})`) ||
    (error instanceof Error ? error.message : String(error));
  const address = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  return new Error(`cannot listen on ${address}: ${reason}`, { cause: error });
}
