// Raised when a partition cannot be restored: its changelog is no longer complete, or replay did not finish.

export class RestoreError extends Error {
  constructor(
    readonly code: 'changelog-truncated' | 'replay-timeout',
    readonly retriable: boolean,
    message: string,
  ) {
    super(message);
    this.name = 'RestoreError';
  }
}
