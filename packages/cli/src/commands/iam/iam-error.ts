/**
 * A failure of an `iam` command that is not a usage error: an unknown or duplicate name, a
 * missing database. main.ts prints its message after `ddm-jobs: ` and exits with 1.
 */
export class IamError extends Error {
  override name = 'IamError';
}
