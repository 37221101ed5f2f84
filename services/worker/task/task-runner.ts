// Runs one delivered task exactly once per task id as far as this worker can see: a result kept in Redis is
// replayed, concurrent deliveries in this process share one run, and a final result is kept before it is reported.
import type { Logger } from '../../platform/logging/logger';
import type { WorkerMetrics } from '../metrics/worker-metrics';
import { toJson } from '../../core';
import { classify, type UnknownErrorPolicy } from './error-classification';
import type { ResultStore } from './result-store';
import { FatalTaskError, RetryableTaskError } from './task-error';
import type { AnyTaskHandler, TaskContext } from './task-handler';
import { isFinal, type TaskResult } from './task-result';
import type { DeliveredTask } from './delivered-task';
import { taskInput, type TaskInputOptions } from './task-input';
import { WorkerStoppingError } from './worker-stopping-error';

export interface TaskRunnerOptions {
  readonly store: ResultStore;
  readonly logger: Logger;
  readonly handlerTimeoutMs: number;
  readonly unknownErrors: UnknownErrorPolicy;
  readonly metrics: WorkerMetrics;
  /** How encrypted inputs are decrypted before the handler sees them. */
  readonly inputs: TaskInputOptions;
}

export interface RunReport {
  readonly result: TaskResult;
  /** True when the result came from an earlier run rather than from calling the handler now. */
  readonly replayed: boolean;
}

export class TaskRunner {
  private readonly inFlight = new Map<string, Promise<RunReport>>();
  /** The signal of every handler running now; `abortAll` aborts them, and every later one at its start. */
  private readonly running = new Set<AbortController>();
  private stopReason: Error | undefined;

  constructor(private readonly options: TaskRunnerOptions) {}

  run(task: DeliveredTask, handler: AnyTaskHandler): Promise<RunReport> {
    const running = this.inFlight.get(task.taskId);
    if (running !== undefined) return running.then((report) => ({ ...report, replayed: true }));
    const run = this.execute(task, handler).finally(() => this.inFlight.delete(task.taskId));
    this.inFlight.set(task.taskId, run);
    return run;
  }

  /** Aborts the signal every running handler sees; they may still finish, their results are kept. */
  abortAll(): void {
    this.stopReason = new Error('worker stopping');
    for (const controller of this.running) controller.abort(this.stopReason);
  }

  private async execute(task: DeliveredTask, handler: AnyTaskHandler): Promise<RunReport> {
    const stored = await this.options.store.get(task.taskId);
    if (stored !== undefined) return { result: stored, replayed: true };
    const timer = this.options.metrics.handlerSeconds.startTimer({ type: task.context.type });
    const result = await this.invoke(task, handler);
    timer({ outcome: result.kind });
    if (!isFinal(result)) return { result, replayed: false };
    const kept = await this.options.store.keep(task.taskId, result);
    return { result: kept, replayed: kept !== result };
  }

  /**
   * One controller and one timer per run: `AbortSignal.any` over `AbortSignal.timeout` and a shared stopping signal
   * costs several times more per task, in the worker's hottest path.
   */
  private async invoke(task: DeliveredTask, handler: AnyTaskHandler): Promise<TaskResult> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(timeoutReason()), this.options.handlerTimeoutMs);
    timer.unref();
    this.running.add(controller);
    if (this.stopReason !== undefined) controller.abort(this.stopReason);
    const signal = controller.signal;
    const ctx: TaskContext = { ...task.context, signal };
    try {
      const input = await taskInput(task, handler, this.options.inputs);
      const output = await untilAborted(
        handler.handle(input as never, ctx),
        signal,
        this.options.handlerTimeoutMs,
      );
      const json = toJson(output);
      if (json === undefined)
        throw new FatalTaskError(`${task.context.type} returned a value that is not JSON`, 'invalid-output');
      return { kind: 'succeeded', output: json };
    } catch (error) {
      if (error instanceof WorkerStoppingError) throw error;
      const result = classify(error, this.options.unknownErrors);
      this.options.logger.warn(
        { taskId: task.taskId, runId: task.context.runId, outcome: result.kind, err: error },
        'task handler failed',
      );
      return result;
    } finally {
      clearTimeout(timer);
      this.running.delete(controller);
    }
  }
}

/** The reason `AbortSignal.timeout` gives, which handlers may test for. */
const timeoutReason = (): DOMException =>
  new DOMException('The operation was aborted due to timeout', 'TimeoutError');

/**
 * The handler's promise, or a rejection once the signal fires: a retryable timeout, or WorkerStoppingError so the
 * task is neither reported nor committed and its next owner runs it. The handler itself is not cancelled.
 */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal, timeoutMs: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => {
      const timedOut = (signal.reason as { name?: unknown } | undefined)?.name === 'TimeoutError';
      reject(
        timedOut
          ? new RetryableTaskError(`handler did not finish within ${timeoutMs} ms`, 'handler-timeout')
          : new WorkerStoppingError(),
      );
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
