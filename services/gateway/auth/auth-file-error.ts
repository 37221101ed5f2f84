// A credential file named by the configuration cannot be used. Raised once at start; the message names the file
// and the problem, never its content.

export class AuthFileError extends Error {
  readonly code = 'invalid-auth-file';
  /** The file will not fix itself: retrying cannot help. */
  readonly retriable = false;

  constructor(
    readonly file: string,
    problem: string,
    options?: { cause?: unknown },
  ) {
    super(`${file}: ${problem}`, options);
    this.name = 'AuthFileError';
  }
}
