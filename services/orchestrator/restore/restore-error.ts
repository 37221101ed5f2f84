// Raised when a partition cannot be restored: its changelog is no longer complete, or replay did not finish.
import { StatewrightError } from '../../core';

export class RestoreError extends StatewrightError {
  constructor(
    readonly code: 'changelog-truncated' | 'replay-timeout',
    retriable: boolean,
    message: string,
  ) {
    super(message, retriable);
  }
}
