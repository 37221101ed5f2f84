// Retry policy of a task type: bounded attempts, backoff, and jitter derived from the run id so it stays pure.
import { unitInterval } from '../json/fnv-hash';
import { runIdOf } from '../ids';

export type Backoff =
  | { readonly kind: 'fixed'; readonly ms: number }
  | { readonly kind: 'exponential'; readonly baseMs: number; readonly maxMs: number };

export interface RetryPolicy {
  /** Attempts in total, the first included; 1 means no retry. */
  readonly maxAttempts: number;
  readonly backoff: Backoff;
  /** Share of the delay that may be shaved off, 0 (none) to 1 (full jitter). */
  readonly jitter: number;
  /** Error codes that are fatal even when the worker reported them retryable. */
  readonly fatalCodes: readonly string[];
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 3,
  backoff: { kind: 'exponential', baseMs: 1000, maxMs: 60_000 },
  jitter: 0.2,
  fatalCodes: [],
};

/** Whether a failed `attempt` may be followed by another one. */
export function mayRetry(
  policy: RetryPolicy,
  attempt: number,
  failure: { readonly kind: 'retryable' | 'fatal'; readonly code: string | null },
): boolean {
  if (failure.kind === 'fatal') return false;
  if (failure.code !== null && policy.fatalCodes.includes(failure.code)) return false;
  return attempt < policy.maxAttempts;
}

/** Milliseconds to wait after `attempt` failed; the same task and attempt always give the same delay. */
export function retryDelay(policy: RetryPolicy, taskId: string, attempt: number): number {
  const backoff = policy.backoff;
  const raw =
    backoff.kind === 'fixed'
      ? backoff.ms
      : Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.max(0, attempt - 1));
  const shave = policy.jitter * unitInterval(runIdOf(taskId, attempt));
  return Math.max(0, Math.round(raw * (1 - shave)));
}
