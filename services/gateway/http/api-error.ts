// An HTTP answer other than success, as a value with a stable code: every 4xx and 5xx body is
// {error: {code, message, details}}.
import { StatewrightError } from '../../core';

export class ApiError extends StatewrightError {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown = null,
    /** Whether the same request may succeed later. */
    retriable = false,
  ) {
    super(message, retriable);
  }

  toBody(): { error: { code: string; message: string; details: unknown } } {
    return { error: { code: this.code, message: this.message, details: this.details } };
  }

  /** Headers the answer carries besides its body. */
  responseHeaders(): Readonly<Record<string, string>> {
    return this.retriable ? { 'retry-after': '1' } : {};
  }
}
