// Raised by `evolve` when a log does not fit the instance it is folded into: corrupt or misordered input.

export class ReplayError extends Error {
  readonly code = 'replay-mismatch';
  /** Replaying the same log again cannot help. */
  readonly retriable = false;

  constructor(message: string) {
    super(message);
    this.name = 'ReplayError';
  }
}
