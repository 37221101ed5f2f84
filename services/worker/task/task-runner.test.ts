// TaskRunner over an in-memory ResultStore: what the idempotency port promises, without Redis.
import { z } from 'zod';
import { createLogger } from '../../platform/logging/logger';
import { WorkerMetrics } from '../metrics/worker-metrics';
import type { DeliveredTask } from './delivered-task';
import type { ResultStore } from './result-store';
import { RetryableTaskError } from './task-error';
import { taskHandler } from './task-handler';
import type { FinalResult } from './task-result';
import { TaskRunner } from './task-runner';
import { WorkerStoppingError } from './worker-stopping-error';

/** The first result kept wins, as the port requires. */
class MemoryResultStore implements ResultStore {
  readonly kept = new Map<string, FinalResult>();

  async get(taskId: string): Promise<FinalResult | undefined> {
    return this.kept.get(taskId);
  }

  async keep(taskId: string, result: FinalResult): Promise<FinalResult> {
    if (!this.kept.has(taskId)) this.kept.set(taskId, result);
    return this.kept.get(taskId)!;
  }
}

const task = (taskId: string): DeliveredTask => ({
  taskId,
  input: JSON.stringify({ n: 2 }),
  context: {
    taskId,
    runId: `${taskId}#1`,
    attempt: 1,
    correlationId: 'order-1',
    workflow: 'order',
    version: 1,
    kind: 'action',
    type: 'double',
  },
});

function runnerOver(store: ResultStore, handlerTimeoutMs = 5_000): TaskRunner {
  return new TaskRunner({
    store,
    logger: createLogger('silent'),
    handlerTimeoutMs,
    unknownErrors: 'retryable',
    metrics: new WorkerMetrics(['double']),
    inputs: { keys: undefined, keyWaitMs: 0 },
  });
}

test('a result kept by an earlier run is reported again without calling the handler', async () => {
  const store = new MemoryResultStore();
  store.kept.set('order-1/1/0', { kind: 'succeeded', output: { doubled: 40 } });
  const handle = jest.fn(async ({ n }: { n: number }) => ({ doubled: n * 2 }));
  const report = await runnerOver(store).run(
    task('order-1/1/0'),
    taskHandler(z.object({ n: z.number() }), handle),
  );
  expect(report).toEqual({ result: { kind: 'succeeded', output: { doubled: 40 } }, replayed: true });
  expect(handle).not.toHaveBeenCalled();
});

test('a final result is kept before it is reported; a retryable one is not kept', async () => {
  const store = new MemoryResultStore();
  const runner = runnerOver(store);
  const doubled = taskHandler(z.object({ n: z.number() }), async ({ n }) => ({ doubled: n * 2 }));
  const busy = taskHandler(z.object({}), async () => {
    throw new RetryableTaskError('downstream busy', 'busy');
  });
  const succeeded = await runner.run(task('order-1/1/0'), doubled);
  const retryable = await runner.run(task('order-1/2/0'), busy);
  expect(succeeded).toEqual({ result: { kind: 'succeeded', output: { doubled: 4 } }, replayed: false });
  expect(store.kept.get('order-1/1/0')).toEqual(succeeded.result);
  expect(retryable.result.kind).toBe('retryable');
  expect(store.kept.has('order-1/2/0')).toBe(false);
});

test('concurrent deliveries of one task share one run', async () => {
  let calls = 0;
  const counted = taskHandler(z.object({ n: z.number() }), async ({ n }) => ({
    doubled: n * 2,
    run: ++calls,
  }));
  const runner = runnerOver(new MemoryResultStore());
  const [first, second] = await Promise.all([
    runner.run(task('order-1/1/0'), counted),
    runner.run(task('order-1/1/0'), counted),
  ]);
  expect(calls).toBe(1);
  expect(first!.result).toEqual(second!.result);
  expect([first!.replayed, second!.replayed]).toEqual([false, true]);
});

/** A handler that never finishes on its own; it records the signal it was given. */
function hanging(signals: AbortSignal[]) {
  return taskHandler(z.object({ n: z.number() }), (_input, ctx) => {
    signals.push(ctx.signal);
    return new Promise<never>(() => undefined);
  });
}

test('a handler past its timeout gives a retryable result, and its signal says it timed out', async () => {
  const store = new MemoryResultStore();
  const signals: AbortSignal[] = [];
  const report = await runnerOver(store, 50).run(task('order-1/1/0'), hanging(signals));
  expect(report.result).toMatchObject({ kind: 'retryable', error: { code: 'handler-timeout' } });
  expect(signals[0]!.aborted).toBe(true);
  expect((signals[0]!.reason as Error).name).toBe('TimeoutError');
  expect(store.kept.has('order-1/1/0')).toBe(false);
});

test('abortAll stops the running handlers and every one started after it; a finished run keeps its signal', async () => {
  const runner = runnerOver(new MemoryResultStore());
  const doubled = taskHandler(z.object({ n: z.number() }), async ({ n }, ctx) => {
    signals.push(ctx.signal);
    return { doubled: n * 2 };
  });
  const signals: AbortSignal[] = [];
  await runner.run(task('order-1/1/0'), doubled);
  const running = runner.run(task('order-1/2/0'), hanging(signals));
  await waitUntil(() => signals.length === 2);
  runner.abortAll();
  await expect(running).rejects.toBeInstanceOf(WorkerStoppingError);
  await expect(runner.run(task('order-1/3/0'), hanging(signals))).rejects.toBeInstanceOf(WorkerStoppingError);
  expect(signals.map((signal) => signal.aborted)).toEqual([false, true, true]);
});

/** Resolves once `condition` holds, checked at each turn of the event loop. */
async function waitUntil(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}
