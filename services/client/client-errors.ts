// What the command client throws: a command the core would refuse is caught before anything is published; a
// publish the broker did not acknowledge may be sent again under the same idempotency key.
import { NonRetriableError, RetriableError } from '../core';

/** The arguments do not make a valid command (an id too long or unprintable, a bad key, input not JSON). */
export class InvalidCommandError extends NonRetriableError {
  readonly code = 'invalid-command';

  constructor(
    readonly command: string,
    readonly problem: string,
  ) {
    super(`invalid ${command}: ${problem}`);
  }
}

/** Kafka did not acknowledge the command; sending it again with the same idempotency key is safe. */
export class CommandPublishError extends RetriableError {
  readonly code = 'command-publish-failed';

  constructor(
    readonly commandId: string,
    cause: unknown,
  ) {
    super(
      `command ${commandId} was not acknowledged: ${cause instanceof Error ? cause.message : String(cause)}`,
      {
        cause,
      },
    );
  }
}

/** The client was closed: it publishes nothing more. */
export class ClientClosedError extends NonRetriableError {
  readonly code = 'client-closed';

  constructor() {
    super('the command client is closed');
  }
}
