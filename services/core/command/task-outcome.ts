// What a worker reports of one attempt of a task: its output, or an error that a retry may or may not mend.
import type { JsonValue } from '../json/json-value';

export interface TaskError {
  readonly message: string;
  readonly code: string | null;
}

export type TaskOutcome =
  | { readonly kind: 'succeeded'; readonly output: JsonValue }
  | { readonly kind: 'retryable'; readonly error: TaskError }
  | { readonly kind: 'fatal'; readonly error: TaskError };
