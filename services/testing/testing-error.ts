// Errors of the testing kit. None of them can pass by retrying: the test, its definition or its handlers must change.
import { NonRetriableError, type Reason } from '../core';

/** A command the core refused without recording it (a dead letter in production), or a start that did not apply. */
export class RefusedCommandError extends NonRetriableError {
  readonly code = 'refused-command';

  constructor(
    readonly reason: Reason,
    what: string,
  ) {
    super(`${what} was refused (${reason.code}): ${reason.message}`);
  }
}

/** No instance with this correlation id was started in this environment. */
export class UnknownInstanceError extends NonRetriableError {
  readonly code = 'unknown-instance';

  constructor(
    readonly correlationId: string,
    known: readonly string[],
  ) {
    const list = known.length === 0 ? 'none was started' : `known: ${known.join(', ')}`;
    super(`no instance ${correlationId} in this test environment (${list})`);
  }
}

/** A task named by id or type that is not pending, or a type that more than one pending task has. */
export class TaskLookupError extends NonRetriableError {
  readonly code = 'task-lookup';
}

/** The virtual clock asked to go back, or timers that keep firing without the clock moving on. */
export class ClockError extends NonRetriableError {
  readonly code = 'clock';
}

/** `runTasks` without handlers, or handlers that keep producing work without end. */
export class HandlerRunError extends NonRetriableError {
  readonly code = 'handler-run';
}

/** A property of `checkDefinition` failed; the message holds the counterexample and how to replay it. */
export class DefinitionCheckError extends NonRetriableError {
  readonly code = 'definition-check';

  constructor(
    message: string,
    /** The commands sent up to the failure, oldest first, as plain data. */
    readonly counterexample: readonly unknown[],
    /** fast-check's seed and path: pass them back to replay exactly this run. */
    readonly replay: { readonly seed: number; readonly path: string | null },
  ) {
    super(message);
  }
}

/** `checkDefinition` cannot make the commands it needs (valid start inputs) from the schemas alone. */
export class GeneratorError extends NonRetriableError {
  readonly code = 'generator';
}
