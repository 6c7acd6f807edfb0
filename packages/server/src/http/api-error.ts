import { ERRORS, type ErrorKind, type ErrorName } from '@ddm-jobs/contract';

/** A failure with its entry in the one error table, and an optional clause for the message. */
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

/** Keystone's own error answer on the identity routes, which OpenStack clients parse. */
export class KeystoneError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404,
    message: string,
  ) {
    super(message);
    this.name = 'KeystoneError';
  }

  get title(): string {
    return { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found' }[this.status];
  }
}
