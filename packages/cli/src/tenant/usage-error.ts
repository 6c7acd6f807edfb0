/**
 * A mistake of the person at the terminal (a bad flag value, missing configuration): main.ts
 * prints its message and exits 2, the exit code scripts read as "fix the command, not the
 * service". It is recognised by its `usage` property, as the other commands' usage errors are.
 */
export class UsageError extends Error {
  override name = 'UsageError';
  readonly usage = true;
}
