// A topic that could not be read to its end: the broker did not answer, refused the client, or the topic is
// missing. Retriable: the same read may succeed once the cluster answers.
import { RetriableError } from '../../core';

export class TopicReadError extends RetriableError {
  readonly code = 'topic-unreadable';

  constructor(
    readonly topic: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(`${topic}: ${message}`, options);
  }
}
