// Raised by `evolve` when a log does not fit the instance it is folded into: corrupt or misordered input.
import { NonRetriableError } from '../statewright-error';

/** Replaying the same log again cannot help. */
export class ReplayError extends NonRetriableError {
  readonly code = 'replay-mismatch';
}
