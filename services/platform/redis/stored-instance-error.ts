// Raised when a stored instance, whose outline a restore read, cannot be decoded when it is first needed.
import { NonRetriableError } from '../../core';

/** The record changed in Redis after the restore read it: only the changelog can rebuild the partition. */
export class StoredInstanceError extends NonRetriableError {
  readonly code = 'stored-instance-unreadable';

  constructor(correlationId: string, options?: ErrorOptions) {
    super(`the stored instance ${correlationId} cannot be decoded`, options);
  }
}
