// Raised when the read model holds something that is not what the projection wrote.

export class ReadModelError extends Error {
  readonly code = 'read-model-unreadable';
  /** Redis is a cache of the log: rebuilding the projection (a new consumer group) repairs it. */
  readonly retriable = false;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ReadModelError';
  }
}
