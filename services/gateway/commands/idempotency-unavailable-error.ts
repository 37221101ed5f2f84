// Raised when an Idempotency-Key could neither be claimed nor read: it flickered between expiring and being set.

export class IdempotencyUnavailableError extends Error {
  readonly code = 'idempotency-unavailable';
  readonly retriable = true;

  constructor(readonly key: string) {
    super(`Idempotency-Key ${key} could not be claimed or read; retry the request`);
    this.name = 'IdempotencyUnavailableError';
  }
}
