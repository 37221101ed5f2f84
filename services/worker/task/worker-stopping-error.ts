// The worker stopped before a handler finished: the task stays uncommitted and is delivered again.

export class WorkerStoppingError extends Error {
  readonly code = 'worker-stopping';
  readonly retriable = true;

  constructor() {
    super('worker stopped before the handler finished');
    this.name = 'WorkerStoppingError';
  }
}
