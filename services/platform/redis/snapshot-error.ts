// Raised when a partition's snapshot cannot be read consistently or holds something that is not an instance.

export class SnapshotError extends Error {
  readonly code = 'snapshot-unreadable';
  /** Redis is a cache: the caller may retry, or rebuild the partition from the log. */
  readonly retriable = true;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SnapshotError';
  }
}
