// Raised when a batch's transaction did not commit; the batch's effects must be forgotten and the input re-read.
import { StatewrightError } from '../../core';

/** A fenced producer must not retry: another process owns its partition now. */
export class TransactionError extends StatewrightError {
  readonly code: 'transaction-fenced' | 'transaction-failed';

  constructor(
    readonly transactionalId: string,
    readonly fenced: boolean,
    cause: unknown,
  ) {
    const outcome = fenced ? 'was fenced' : 'failed';
    super(`transaction of ${transactionalId} ${outcome}: ${String(cause)}`, !fenced, { cause });
    this.code = fenced ? 'transaction-fenced' : 'transaction-failed';
  }
}
