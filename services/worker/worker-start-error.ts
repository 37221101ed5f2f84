// The worker could not join its consumer group in time: the brokers may come back, so a restart can help.
import { RetriableError } from '../core';

export class WorkerStartError extends RetriableError {
  readonly code = 'worker-start-failed';
}
