// A team's module that cannot serve: missing, failing to load, or not exporting what the runnable needs. Fatal:
// the process exits with code 2 naming the file and the problem, before anything is published.
import { NonRetriableError } from '../../core';

export class ModuleError extends NonRetriableError {
  readonly code = 'bad-module';

  constructor(
    readonly file: string,
    problem: string,
    options?: ErrorOptions,
  ) {
    super(`${file}: ${problem}`, options);
  }
}

/** The exit code of a runnable given a module it cannot use (a usage error, like a bad flag). */
export const BAD_MODULE_EXIT_CODE = 2;
