// Raised when the result cache cannot answer or holds something that is not a task result.

export class ResultStoreError extends Error {
  readonly code = 'result-store-failed';

  constructor(
    message: string,
    /** A connection failure may pass; a corrupt entry will not. */
    readonly retriable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ResultStoreError';
  }
}
