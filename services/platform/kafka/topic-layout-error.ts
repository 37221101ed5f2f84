// Raised when an existing topic cannot serve statewright as it is: partitions must match for the changelog idea.

export class TopicLayoutError extends Error {
  readonly code = 'topic-layout';
  /** Someone has to change the topic or the configuration; retrying cannot help. */
  readonly retriable = false;

  constructor(
    readonly topic: string,
    message: string,
  ) {
    super(message);
    this.name = 'TopicLayoutError';
  }
}
