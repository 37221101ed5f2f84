// Errors a task handler throws to say whether another attempt can help; the code travels to the core, whose
// retry policy may still treat a retryable code as fatal.
import { NonRetriableError, RetriableError } from '../../core';

/** A failure another attempt may cure (a timeout, a 503, a lock held elsewhere). */
export class RetryableTaskError extends RetriableError {
  constructor(
    message: string,
    readonly code: string = 'retryable',
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A failure no attempt will cure (a declined card, an unknown SKU); its result is kept like an output. */
export class FatalTaskError extends NonRetriableError {
  constructor(
    message: string,
    readonly code: string = 'fatal',
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Thrown by a handler that handed the task to a system which reports the result itself, later (a carrier that
 * calls back). The worker answers nothing and commits the task; the workflow's timers decide what silence means.
 */
export class AsyncCompletion extends NonRetriableError {
  readonly code = 'async-completion';

  constructor(readonly reason: string) {
    super(`task completes asynchronously: ${reason}`);
  }
}
