// One task record from decode to published result: skip types this worker has no handler for, wait for a slot of
// the task type, run the handler idempotently and publish its result. Business logic stays in the handlers.
import type { KafkaMessage } from 'kafkajs';
import { toCommandEnvelope } from '../../platform/codec/command-envelope';
import type { EnvelopeCodec } from '../../platform/codec/envelope-codec';
import type { TaskEnvelope } from '../../platform/codec/task-envelope';
import type { Logger } from '../../platform/logging/logger';
import { deliveredTask, type DeliveredTask } from '../task/delivered-task';
import type { HandlerMap } from '../task/task-handler';
import type { TaskRunner } from '../task/task-runner';
import { resultCommand } from './result-command';
import type { ResultPublisher } from './result-publisher';
import type { Semaphore } from './semaphore';
import { propagatedHeaders } from './trace-headers';

export interface DispatcherOptions {
  readonly codec: EnvelopeCodec;
  readonly handlers: HandlerMap;
  readonly slots: ReadonlyMap<string, Semaphore>;
  readonly runner: TaskRunner;
  readonly publisher: ResultPublisher;
  readonly actor: string;
  readonly logger: Logger;
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
  async dispatch(message: KafkaMessage): Promise<Dispatch> {
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

  private async decode(message: KafkaMessage): Promise<TaskEnvelope | undefined> {
    try {
      return (await this.options.codec.decode('task-request', message.value)) as TaskEnvelope;
    } catch (error) {
      if ((error as { retriable?: unknown }).retriable === true) throw error;
      this.options.logger.error({ offset: message.offset, err: error }, 'undecodable task request skipped');
      return undefined;
    }
  }

  private async complete(task: DeliveredTask, message: KafkaMessage): Promise<void> {
    const handler = this.options.handlers[task.context.type]!;
    const { result, replayed } = await this.options.runner.run(task, handler);
    const log = { taskId: task.taskId, runId: task.context.runId, outcome: result.kind, replayed };
    if (result.kind === 'async') {
      this.options.logger.info(log, 'task completes asynchronously; no result reported');
      return;
    }
    const now = (this.options.clock ?? Date.now)();
    const command = resultCommand(task, result, this.options.actor, now);
    await this.options.publisher.publish({
      key: task.context.correlationId,
      value: this.options.codec.encode('command', toCommandEnvelope(command)),
      headers: propagatedHeaders(message.headers),
      timestamp: String(now),
    });
    this.options.logger.debug(log, 'task result published');
  }
}
