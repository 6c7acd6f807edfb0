import { ERRORS, type ErrorKind, type ErrorName } from '@ddm-jobs/contract';

/**
 * A failure with its entry in the one error table (docs/api.md, "Errors"), and an optional clause
 * for the message. Any layer throws it; the HTTP layer turns it into the documented answer.
 */
export class ApiError extends Error {
  readonly kind: ErrorKind;
  readonly detail: string | undefined;

  constructor(name: ErrorName, detail?: string) {
    super(detail ? `${ERRORS[name].message} ${detail}` : ERRORS[name].message);
    this.name = 'ApiError';
    this.kind = ERRORS[name];
    this.detail = detail;
  }
}
