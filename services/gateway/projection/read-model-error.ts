// Raised when the read model holds something that is not what the projection wrote.
import { NonRetriableError } from '../../core';

/** Redis is a cache of the log: rebuilding the projection (a new consumer group) repairs it. */
export class ReadModelError extends NonRetriableError {
  readonly code = 'read-model-unreadable';
}
