// Raised when Kafka did not acknowledge a command. Mostly it may or may not be on the topic, and a retry with the
// same Idempotency-Key is safe either way (the core deduplicates by commandId): a 503. A record larger than the
// broker accepts was refused for good and no retry can help: a 413, so the caller sends less instead of retrying.
import { KafkaJSError, KafkaJSProtocolError } from 'kafkajs';
import { ApiError } from '../http/api-error';

/** The broker's refusals of a record or batch for its size (message.max.bytes / max.message.bytes). */
const TOO_LARGE = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE']);

export class PublishError extends ApiError {
  constructor(
    readonly commandId: string,
    cause: unknown,
  ) {
    const tooLarge = refusedForSize(cause);
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

/** Looks through kafkajs' retry wrappers, which keep the protocol error they gave up on as their cause. */
function refusedForSize(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof KafkaJSError && depth < 8; depth++) {
    if (current instanceof KafkaJSProtocolError && TOO_LARGE.has(current.type)) return true;
    current = current.cause;
  }
  return false;
}
