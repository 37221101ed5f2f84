// A failure the CLI reports in one line and turns into its documented exit code.
import { StatewrightError } from '../core';
import { EXIT, type ExitCode } from './exit-codes';

export class CliError extends StatewrightError {
  constructor(
    message: string,
    readonly code: string,
    readonly exitCode: ExitCode,
    /** Whether running the same command again may succeed. */
    retriable = false,
  ) {
    super(message, retriable);
  }
}

export const usageError = (message: string, code = 'usage') => new CliError(message, code, EXIT.usage);
export const unavailable = (message: string, code = 'unavailable') =>
  new CliError(message, code, EXIT.unavailable, true);
