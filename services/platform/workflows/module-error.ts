// A team's module that cannot serve: missing, failing to load, or not exporting what the runnable needs. Fatal:
// the process exits with code 2 naming the file and the problem, before anything is published.
export class ModuleError extends Error {
  readonly code = 'bad-module';
  readonly retriable = false;

  constructor(
    readonly file: string,
    problem: string,
    options?: ErrorOptions,
  ) {
    super(`${file}: ${problem}`, options);
    this.name = 'ModuleError';
  }
}

/** The exit code of a runnable given a module it cannot use (a usage error, like a bad flag). */
export const BAD_MODULE_EXIT_CODE = 2;
