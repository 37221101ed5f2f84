// One task record from decode to published result: skip types this worker has no handler for, wait for a slot of
// the task type, run the handler idempotently and publish its result. Business logic stays in the handlers.
import type { Span } from '@opentelemetry/api';
import type { ConsumedRecord, RecordHeaders } from '../../platform/kafka/records';
import { StatewrightError } from '../../core';
import { toCommandEnvelope } from '../../platform/codec/command-envelope';
import type { TaskEnvelope } from '../../platform/codec/task-envelope';
import type { Logger } from '../../platform/logging/logger';
import type { WorkerMetrics } from '../metrics/worker-metrics';
import { headersOf, inRemoteChild } from '../../platform/tracing/remote-span';
import { activeTracer } from '../../platform/tracing/tracing';
import { deliveredTask, type DeliveredTask } from '../task/delivered-task';
import type { HandlerMap } from '../task/task-handler';
import type { TaskRunner } from '../task/task-runner';
import type { WorkerCodec } from '../task/worker-codec';
import { resultCommand } from './result-command';
import type { ResultPublisher } from './result-publisher';
import type { Semaphore } from './semaphore';
import { taskRunSpan, WORKER_SCOPE } from './task-span';
import { propagatedHeaders } from './trace-headers';

export interface DispatcherOptions {
  readonly codec: WorkerCodec;
  readonly handlers: HandlerMap;
  readonly slots: ReadonlyMap<string, Semaphore>;
  readonly runner: TaskRunner;
  readonly publisher: ResultPublisher;
  readonly actor: string;
  readonly logger: Logger;
  readonly metrics: WorkerMetrics;
  readonly clock?: () => number;
}

/** `done` settles when the record needs nothing more: skipped, or its result published (or not owed). */
export interface Dispatch {
  readonly done: Promise<void>;
}

const SKIPPED: Dispatch = { done: Promise.resolve() };

export class TaskDispatcher {
  constructor(private readonly options: DispatcherOptions) {}

  /** Resolves once the record holds a slot of its type (or needs none); rejects only when it cannot be read yet. */
  async dispatch(message: ConsumedRecord): Promise<Dispatch> {
    const envelope = await this.decode(message);
    if (envelope === undefined || !(envelope.type in this.options.handlers)) return SKIPPED;
    const delivery = deliveredTask(envelope);
    if (!delivery.ok) {
      this.options.logger.error({ offset: message.offset, reason: delivery.reason }, 'task request skipped');
      return SKIPPED;
    }
    const release = await this.options.slots.get(envelope.type)!.acquire();
    return { done: this.complete(delivery.task, message).finally(release) };
  }

  private async decode(message: ConsumedRecord): Promise<TaskEnvelope | undefined> {
    try {
      return await this.options.codec.decode('task-request', message.value);
    } catch (error) {
      if (error instanceof StatewrightError && error.retriable) throw error;
      this.options.logger.error({ offset: message.offset, err: error }, 'undecodable task request skipped');
      return undefined;
    }
  }

  /** Runs the task in a `task.run` span when tracing is on; otherwise the result carries the task's context. */
  private async complete(task: DeliveredTask, message: ConsumedRecord): Promise<void> {
    const { metrics } = this.options;
    const type = task.context.type;
    metrics.inFlight.inc({ type });
    try {
      const tracer = activeTracer(WORKER_SCOPE);
      if (tracer === undefined) return await this.report(task, propagatedHeaders(message.headers));
      await inRemoteChild(tracer, taskRunSpan(task, message), (span) =>
        this.report(task, headersOf(span), span),
      );
    } catch (error) {
      metrics.tasks.inc({ type, outcome: 'interrupted' });
      throw error;
    } finally {
      metrics.inFlight.dec({ type });
    }
  }

  private async report(task: DeliveredTask, headers: RecordHeaders, span?: Span): Promise<void> {
    const { metrics, runner, handlers } = this.options;
    const type = task.context.type;
    const { result, replayed } = await runner.run(task, handlers[type]!);
    if (replayed) metrics.replays.inc({ type });
    span?.setAttributes({ 'statewright.task.outcome': result.kind, 'statewright.task.replayed': replayed });
    const log = {
      correlationId: task.context.correlationId,
      taskId: task.taskId,
      runId: task.context.runId,
      outcome: result.kind,
      replayed,
    };
    if (result.kind === 'async') {
      this.options.logger.info(log, 'task completes asynchronously; no result reported');
      metrics.tasks.inc({ type, outcome: result.kind });
      return;
    }
    const now = (this.options.clock ?? Date.now)();
    const command = resultCommand(task, result, this.options.actor, now);
    await this.options.publisher.publish({
      key: task.context.correlationId,
      value: this.options.codec.encode('command', toCommandEnvelope(command)),
      headers,
      timestamp: String(now),
    });
    metrics.tasks.inc({ type, outcome: result.kind });
    this.options.logger.debug(log, 'task result published');
  }
}
