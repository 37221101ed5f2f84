// Raised once at start when the environment does not describe a usable configuration.
import { NonRetriableError } from '../../core';

/** The environment will not change by itself: retrying cannot help. */
export class ConfigError extends NonRetriableError {
  readonly code = 'invalid-config';

  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.join('\n')}`);
  }
}
