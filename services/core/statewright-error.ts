// The one base of statewright's errors: a stable `code` callers and logs route on, whether a retry can help, and
// the class's own name. Callers tell errors apart with `instanceof`, never by probing their shape.

export abstract class StatewrightError extends Error {
  /** Stable across releases: logs, dead letters and API bodies carry it. */
  abstract readonly code: string;
  /** Whether the same operation may succeed if tried again. */
  readonly retriable: boolean;

  constructor(message: string, retriable: boolean, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.retriable = retriable;
  }
}

/** A failure that may pass: a dependency down, a timeout, a race lost. */
export abstract class RetriableError extends StatewrightError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, true, options);
  }
}

/** A failure the same input meets again: retrying cannot help; someone has to change the input, code or setup. */
export abstract class NonRetriableError extends StatewrightError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, false, options);
  }
}
