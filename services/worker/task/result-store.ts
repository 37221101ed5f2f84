// The worker's idempotency port: final task results kept by task id. The first final result kept wins; every later
// delivery of the task, any attempt, reports that result instead of running the effect again. RedisResultStore is
// the one the worker process uses.
import type { FinalResult } from './task-result';

export interface ResultStore {
  /** The result kept for `taskId`, if any; throws ResultStoreError when the store cannot answer. */
  get(taskId: string): Promise<FinalResult | undefined>;
  /** Keeps `result` unless a result is already there; answers the result that is kept either way. */
  keep(taskId: string, result: FinalResult): Promise<FinalResult>;
}
