// One fetched batch of one tasks partition: dispatch records in order, let them finish concurrently, and commit
// the offset only past records whose results are published (at-least-once; the result cache makes reruns cheap).
import type { BatchContext } from '../../platform/kafka/log-consumer';
import type { Logger } from '../../platform/logging/logger';
import { PartitionProgress } from './partition-progress';
import type { TaskDispatcher } from './task-dispatcher';

export interface BatchProcessorOptions {
  readonly dispatcher: TaskDispatcher;
  readonly logger: Logger;
  readonly heartbeatMs: number;
  /** True once the worker is stopping: no further record of the batch is started. */
  readonly stopping: () => boolean;
}

export async function processBatch(payload: BatchContext, options: BatchProcessorOptions): Promise<void> {
  const { batch } = payload;
  const progress = new PartitionProgress();
  const failures: unknown[] = [];
  const running: Promise<void>[] = [];
  const settle = (offset: string) => (): void => {
    progress.finish(offset);
    const passed = progress.advance();
    if (passed !== undefined) payload.resolveOffset(passed);
  };
  const keepAlive = setInterval(() => {
    payload.heartbeat().catch((error: unknown) => options.logger.warn({ err: error }, 'heartbeat failed'));
  }, options.heartbeatMs);
  try {
    for (const record of batch.records) {
      if (failures.length > 0 || !payload.isRunning() || payload.isStale() || options.stopping()) break;
      progress.start(record.offset);
      const { done } = await options.dispatcher.dispatch(record);
      running.push(done.then(settle(record.offset), (error: unknown) => void failures.push(error)));
    }
  } catch (error) {
    failures.push(error);
  } finally {
    await Promise.all(running);
    clearInterval(keepAlive);
  }
  await commit(payload, progress);
  if (failures.length > 0 && !options.stopping()) throw failures[0];
  for (const failure of failures) options.logger.warn({ err: failure }, 'task left uncommitted at stop');
}

/** Commits through the batch itself, which still works while the consumer stops: no finished task is lost. */
async function commit(payload: BatchContext, progress: PartitionProgress): Promise<void> {
  const offset = progress.nextOffset;
  if (offset === undefined) return;
  await payload.commitOffset(offset);
}
