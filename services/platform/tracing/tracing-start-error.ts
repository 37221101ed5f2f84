// Raised when a process starts tracing twice: OpenTelemetry keeps one global tracer provider per process.

export class TracingStartError extends Error {
  readonly code = 'tracing-already-started';
  /** The first provider stays registered until its shutdown: retrying cannot help. */
  readonly retriable = false;

  constructor() {
    super('tracing is already started in this process; shut the first one down before starting another');
    this.name = 'TracingStartError';
  }
}
