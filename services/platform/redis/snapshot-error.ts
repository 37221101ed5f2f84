// Raised when a partition's snapshot cannot be read consistently or holds something that is not an instance.
import { RetriableError } from '../../core';

/** Redis is a cache: the caller may retry, or rebuild the partition from the log. */
export class SnapshotError extends RetriableError {
  readonly code = 'snapshot-unreadable';
}
