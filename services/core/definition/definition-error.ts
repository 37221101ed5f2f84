// Raised when a workflow definition is malformed or its code misbehaves (returns non-JSON, names a missing state).
import { NonRetriableError } from '../statewright-error';

/** The same definition fails the same way again: only a code change helps. */
export class DefinitionError extends NonRetriableError {
  readonly code = 'definition-error';
}
