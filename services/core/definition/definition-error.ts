// Raised when a workflow definition is malformed or its code misbehaves (returns non-JSON, names a missing state).

export class DefinitionError extends Error {
  readonly code = 'definition-error';
  /** The same definition fails the same way again: only a code change helps. */
  readonly retriable = false;

  constructor(message: string) {
    super(message);
    this.name = 'DefinitionError';
  }
}
