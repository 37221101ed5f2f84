// What running a task produced: the core's outcome, or nothing to report because the task completes elsewhere.
import { z } from 'zod';
import type { TaskOutcome } from '../../core';

export type TaskResult = TaskOutcome | { readonly kind: 'async'; readonly reason: string };

/** Results worth keeping under the task id: everything but a retryable failure, which the next attempt retries. */
export type FinalResult = Exclude<TaskResult, { kind: 'retryable' }>;

const error = z.object({ message: z.string(), code: z.string().nullable() });

export const finalResultSchema: z.ZodType<FinalResult> = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('succeeded'), output: z.json() }),
  z.object({ kind: z.literal('fatal'), error }),
  z.object({ kind: z.literal('async'), reason: z.string() }),
]) as z.ZodType<FinalResult>;

export const isFinal = (result: TaskResult): result is FinalResult => result.kind !== 'retryable';
