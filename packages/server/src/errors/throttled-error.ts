import { ApiError } from './api-error.js';

/** 429 APIGW.0308, with the seconds to wait for the `Retry-After` header. */
export class ThrottledError extends ApiError {
  constructor(readonly retryAfterSeconds: number) {
    super('throttled');
  }
}
