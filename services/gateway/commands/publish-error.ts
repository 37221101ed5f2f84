// Raised when Kafka did not acknowledge a command. Mostly it may or may not be on the topic, and a retry with the
// same Idempotency-Key is safe either way (the core deduplicates by commandId): a 503. A record larger than the
// broker accepts was refused for good and no retry can help: a 413, so the caller sends less instead of retrying.
import { isRefusedForSize } from '../../platform/kafka/kafka-failure';
import { ApiError } from '../http/api-error';

export class PublishError extends ApiError {
  constructor(
    readonly commandId: string,
    cause: unknown,
  ) {
    const tooLarge = isRefusedForSize(cause);
    super(
      tooLarge ? 413 : 503,
      tooLarge ? 'record-too-large' : 'publish-failed',
      tooLarge
        ? `command ${commandId} is larger than Kafka accepts; send a smaller body`
        : `command ${commandId} was not acknowledged by Kafka: ${String(cause)}`,
      null,
      !tooLarge,
    );
    this.cause = cause;
  }
}
