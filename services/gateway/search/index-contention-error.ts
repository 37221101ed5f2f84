// Raised when an instance's index document kept changing under a write: only gateways sharing a partition
// during a rebalance write the same id, so a later attempt (the projection's redelivery) succeeds.
import { RetriableError } from '../../core';

export class IndexContentionError extends RetriableError {
  readonly code = 'index-contention';

  constructor(correlationId: string, attempts: number) {
    super(`the search index entry of ${correlationId} changed under ${attempts} writes in a row`);
  }
}
