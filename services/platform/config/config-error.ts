// Raised once at start when the environment does not describe a usable configuration.

export class ConfigError extends Error {
  readonly code = 'invalid-config';
  /** The environment will not change by itself: retrying cannot help. */
  readonly retriable = false;

  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.join('\n')}`);
    this.name = 'ConfigError';
  }
}
