// Raised when a process starts tracing twice: OpenTelemetry keeps one global tracer provider per process.
import { NonRetriableError } from '../../core';

/** The first provider stays registered until its shutdown: retrying cannot help. */
export class TracingStartError extends NonRetriableError {
  readonly code = 'tracing-already-started';

  constructor() {
    super('tracing is already started in this process; shut the first one down before starting another');
  }
}
