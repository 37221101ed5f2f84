// A credential file named by the configuration cannot be used. Raised once at start; the message names the file
// and the problem, never its content.
import { NonRetriableError } from '../../core';

/** The file will not fix itself: retrying cannot help. */
export class AuthFileError extends NonRetriableError {
  readonly code = 'invalid-auth-file';

  constructor(
    readonly file: string,
    problem: string,
    options?: { cause?: unknown },
  ) {
    super(`${file}: ${problem}`, options);
  }
}
