// The worker SDK's entry point: subscribes one consumer group to the tasks topic, runs the handlers of the task
// types it knows, reports each result as a task-result command and commits a task only once its result is out.
import type { LogClient } from '../platform/kafka/log-client';
import type { LogConsumer } from '../platform/kafka/log-consumer';
import type { TopicNames } from '../platform/kafka/topic-names';
import type { Logger } from '../platform/logging/logger';
import { WorkerMetrics } from './metrics/worker-metrics';
import { processBatch } from './delivery/batch-processor';
import { ResultPublisher } from './delivery/result-publisher';
import { Semaphore } from './delivery/semaphore';
import { TaskDispatcher } from './delivery/task-dispatcher';
import type { UnknownErrorPolicy } from './task/error-classification';
import type { ResultStore } from './task/result-store';
import type { HandlerMap } from './task/task-handler';
import type { TaskKeys } from './task/task-input';
import { TaskRunner } from './task/task-runner';
import type { WorkerCodec } from './task/worker-codec';
import { WorkerStartError } from './worker-start-error';
import { HeartbeatPublisher } from './health/heartbeat-publisher';

export interface WorkerOptions {
  /** The log task requests are read from and results written to: createKafka's client, or another LogClient. */
  readonly log: LogClient;
  /** Reads task requests and writes task-result commands; the services' EnvelopeCodec is one. */
  readonly codec: WorkerCodec;
  /**
   * Where final results are kept by task id, so a redelivered task reports its first result instead of running
   * again; RedisResultStore keeps them in Redis.
   */
  readonly results: ResultStore;
  /** With `health`, the worker publishes its heartbeats there (see HeartbeatPublisher). */
  readonly topics: Pick<TopicNames, 'tasks' | 'commands'> & Partial<Pick<TopicNames, 'health'>>;
  /** How often heartbeats are published. */
  readonly heartbeatMs?: number;
  readonly groupId: string;
  /** The actor of every result this worker reports. */
  readonly name: string;
  readonly logger: Logger;
  readonly handlers: HandlerMap;
  /** Handlers of one task type running at once; `concurrencyByType` overrides it per type. */
  readonly concurrency?: number;
  readonly concurrencyByType?: Readonly<Record<string, number>>;
  readonly partitionsConsumedConcurrently?: number;
  readonly handlerTimeoutMs?: number;
  readonly shutdownTimeoutMs?: number;
  /** How an error that is neither RetryableTaskError nor FatalTaskError is reported. */
  readonly unknownErrors?: UnknownErrorPolicy;
  /** Where a group without committed offsets starts; true so tasks published before the first start are run. */
  readonly fromBeginning?: boolean;
  readonly startTimeoutMs?: number;
  /** Where the worker's metrics go; a fresh registry when absent. */
  readonly metrics?: WorkerMetrics;
  /**
   * The data keys that decrypt task inputs (`startWorkerCrypto`); without them an encrypted input fails its
   * attempt. Outputs are reported as the handler returns them, unencrypted: handlers should not echo sensitive
   * input fields back.
   */
  readonly keys?: TaskKeys;
  /** How long an attempt waits for an instance's data key the keys table has not read yet. */
  readonly keyWaitMs?: number;
}

export interface Worker {
  /** Connects, subscribes and resolves once the consumer joined its group. */
  start(): Promise<void>;
  /** Stops fetching, lets in-flight handlers finish (bounded), commits what is published, disconnects. */
  stop(): Promise<void>;
}

const DEFAULTS = {
  concurrency: 8,
  partitionsConsumedConcurrently: 4,
  handlerTimeoutMs: 60_000,
  shutdownTimeoutMs: 10_000,
  unknownErrors: 'retryable',
  fromBeginning: true,
  startTimeoutMs: 30_000,
  keyWaitMs: 5_000,
  heartbeatMs: 2_000,
} as const;

const HEARTBEAT_MS = 3_000;

function slotsOf(options: WorkerOptions): Map<string, Semaphore> {
  const limit = options.concurrency ?? DEFAULTS.concurrency;
  return new Map(
    Object.keys(options.handlers).map((type) => [
      type,
      new Semaphore(options.concurrencyByType?.[type] ?? limit),
    ]),
  );
}

function runnerOf(options: WorkerOptions, logger: Logger, metrics: WorkerMetrics): TaskRunner {
  return new TaskRunner({
    store: options.results,
    logger,
    handlerTimeoutMs: options.handlerTimeoutMs ?? DEFAULTS.handlerTimeoutMs,
    unknownErrors: options.unknownErrors ?? DEFAULTS.unknownErrors,
    metrics,
    inputs: { keys: options.keys, keyWaitMs: options.keyWaitMs ?? DEFAULTS.keyWaitMs },
  });
}

export function createWorker(options: WorkerOptions): Worker {
  const logger = options.logger.child({ component: 'worker', worker: options.name });
  const consumer = options.log.consumer({
    groupId: options.groupId,
    readUncommitted: false,
    allowAutoTopicCreation: false,
    // Bounds how long stop() waits for an idle long poll to return.
    maxWaitTimeInMs: 1_000,
  });
  // A result lands on the owner partition of its correlation id, like every statewright producer's command.
  const producer = options.log.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    ownerPartitioning: true,
  });
  const metrics = options.metrics ?? new WorkerMetrics(Object.keys(options.handlers));
  const runner = runnerOf(options, logger, metrics);
  const publisher = new ResultPublisher(producer, options.topics.commands);
  const slots = slotsOf(options);
  const healthTopic = options.topics.health;
  const heartbeats =
    healthTopic === undefined
      ? undefined
      : new HeartbeatPublisher(producer, healthTopic, options.name, slots, logger);
  const dispatcher = new TaskDispatcher({
    codec: options.codec,
    handlers: options.handlers,
    slots,
    runner,
    publisher,
    actor: options.name,
    logger,
    metrics,
  });
  let stopping = false;
  const batchOptions = { dispatcher, logger, heartbeatMs: HEARTBEAT_MS, stopping: () => stopping };

  return {
    async start() {
      await producer.connect();
      await consumer.connect();
      await consumer.subscribe({
        topic: options.topics.tasks,
        fromBeginning: options.fromBeginning ?? DEFAULTS.fromBeginning,
      });
      const joined = joinedGroup(consumer, options.startTimeoutMs ?? DEFAULTS.startTimeoutMs);
      try {
        await Promise.all([
          consumer.run({
            autoCommit: false,
            eachBatchAutoResolve: false,
            partitionsConsumedConcurrently:
              options.partitionsConsumedConcurrently ?? DEFAULTS.partitionsConsumedConcurrently,
            eachBatch: (payload) => processBatch(payload, batchOptions),
          }),
          joined.promise,
        ]);
      } finally {
        joined.cancel();
      }
      heartbeats?.start(options.heartbeatMs ?? DEFAULTS.heartbeatMs);
      logger.info({ types: Object.keys(options.handlers), topic: options.topics.tasks }, 'worker started');
    },

    async stop() {
      stopping = true;
      const deadline = setTimeout(
        () => runner.abortAll(),
        options.shutdownTimeoutMs ?? DEFAULTS.shutdownTimeoutMs,
      );
      try {
        await consumer.disconnect();
        await publisher.flush();
        await heartbeats?.stop();
      } finally {
        clearTimeout(deadline);
        await producer.disconnect();
      }
      logger.info('worker stopped');
    },
  };
}

/** Resolves on the consumer's first group join; `cancel` drops the listener and the timer either way. */
function joinedGroup(
  consumer: LogConsumer,
  timeoutMs: number,
): { promise: Promise<void>; cancel: () => void } {
  let cancel = (): void => undefined;
  const promise = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new WorkerStartError(`consumer did not join its group within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const removeListener = consumer.onGroupJoin(() => resolve());
    cancel = () => {
      clearTimeout(timer);
      removeListener();
    };
  });
  return { promise, cancel };
}
