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
