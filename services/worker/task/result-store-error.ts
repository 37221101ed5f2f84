// Raised when the result cache cannot answer or holds something that is not a task result.
import { StatewrightError } from '../../core';

export class ResultStoreError extends StatewrightError {
  readonly code = 'result-store-failed';

  constructor(
    message: string,
    /** A connection failure may pass; a corrupt entry will not. */
    retriable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, retriable, options);
  }
}
