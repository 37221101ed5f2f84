// Raised when an existing topic cannot serve statewright as it is: partitions must match for the changelog idea.
import { NonRetriableError } from '../../core';

/** Someone has to change the topic or the configuration; retrying cannot help. */
export class TopicLayoutError extends NonRetriableError {
  readonly code = 'topic-layout';

  constructor(
    readonly topic: string,
    message: string,
  ) {
    super(message);
  }
}
