// The worker could not join its consumer group in time: the brokers may come back, so a restart can help.

export class WorkerStartError extends Error {
  readonly code = 'worker-start-failed';
  readonly retriable = true;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WorkerStartError';
  }
}
