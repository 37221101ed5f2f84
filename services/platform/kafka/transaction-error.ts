// Raised when a batch's transaction did not commit; the batch's effects must be forgotten and the input re-read.

export class TransactionError extends Error {
  readonly code: 'transaction-fenced' | 'transaction-failed';
  /** A fenced producer must not retry: another process owns its partition now. */
  readonly retriable: boolean;

  constructor(
    readonly transactionalId: string,
    readonly fenced: boolean,
    cause: unknown,
  ) {
    super(`transaction of ${transactionalId} ${fenced ? 'was fenced' : 'failed'}: ${String(cause)}`, {
      cause,
    });
    this.name = 'TransactionError';
    this.code = fenced ? 'transaction-fenced' : 'transaction-failed';
    this.retriable = !fenced;
  }
}
