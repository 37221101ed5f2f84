// Raised when an Idempotency-Key could neither be claimed nor read: it flickered between expiring and being set.
import { RetriableError } from '../../core';

export class IdempotencyUnavailableError extends RetriableError {
  readonly code = 'idempotency-unavailable';

  constructor(readonly key: string) {
    super(`Idempotency-Key ${key} could not be claimed or read; retry the request`);
  }
}
