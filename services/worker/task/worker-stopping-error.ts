// The worker stopped before a handler finished: the task stays uncommitted and is delivered again.
import { RetriableError } from '../../core';

export class WorkerStoppingError extends RetriableError {
  readonly code = 'worker-stopping';

  constructor() {
    super('worker stopped before the handler finished');
  }
}
