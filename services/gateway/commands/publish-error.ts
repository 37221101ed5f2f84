// Raised when Kafka did not acknowledge a command: it may or may not be on the topic, and a retry with the same
// Idempotency-Key is safe either way (the core deduplicates by commandId).

export class PublishError extends Error {
  readonly code = 'publish-failed';
  readonly retriable = true;

  constructor(
    readonly commandId: string,
    cause: unknown,
  ) {
    super(`command ${commandId} was not acknowledged by Kafka: ${String(cause)}`, { cause });
    this.name = 'PublishError';
  }
}
