// The deployed workflows lack a version that still has live instances. Fatal, like a catalogue conflict: the
// process exits with code 2 before it serves a partition; the fix is to deploy that version again.
import { NonRetriableError } from '../../core';

export class UnservedVersionError extends NonRetriableError {
  readonly code = 'version-unserved';

  constructor(
    /** `name@version` of each version with live instances that is not served. */
    readonly unserved: readonly string[],
    message: string,
  ) {
    super(message);
  }
}
