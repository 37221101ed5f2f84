// A served definition differs from the version of the same name and number already in the catalogue. Fatal: a
// deployed version never changes under running instances, so the process exits with code 2 (like a bad module)
// before it publishes anything; the fix is a new version number.
import { NonRetriableError } from '../../core';

export class CatalogueConflictError extends NonRetriableError {
  readonly code = 'definition-changed';

  constructor(
    /** `name@version` of each changed definition. */
    readonly changed: readonly string[],
    message: string,
  ) {
    super(message);
  }
}
