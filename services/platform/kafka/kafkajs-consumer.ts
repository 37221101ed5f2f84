// The consumer port over a kafkajs Consumer: settings and runs passed through unchanged, batches handed over
// with their records as statewright's ConsumedRecord, and kafkajs' instrumentation events under our names.
//
// kafkajs restarts a crashed consumer by itself only after a retriable error. It takes a group coordinator that
// cannot be found for a lasting failure and leaves the consumer stopped for good, although that is what a broker
// restarting, or still loading its coordinator's partitions, answers for a while: a service would then live on
// with a consumer that never reads again. This adapter starts such a consumer again itself, with a growing pause,
// until it runs or is disconnected.
//
// kafkajs' own restart is armed at the end of its crash handling, which a disconnect can overtake: the consumer
// would then start again after it was disconnected, and keep its process alive. It asks `restartOnFailure` first,
// which this adapter answers no once it was disconnected; a disconnect that comes later, from a crash listener,
// is repeated once kafkajs has armed its restart, which that disconnect then cancels.
import type { Consumer, ConsumerConfig, EachBatchPayload, Kafka } from 'kafkajs';
import { isCoordinatorNotFound } from './kafka-failure';
import type { BatchContext, BatchRun, LogConsumer, RecordRun, Unsubscribe } from './log-consumer';

/** kafkajs' consumer default when no retry settings are given. */
const CONSUMER_RETRIES = 5;
const FIRST_RESTART_PAUSE_MS = 250;
const MAX_RESTART_PAUSE_MS = 5_000;

/** A kafkajs batch payload as the port's BatchContext; every call goes to the payload itself. */
function contextOf(payload: EachBatchPayload): BatchContext {
  const { batch } = payload;
  return {
    batch: {
      topic: batch.topic,
      partition: batch.partition,
      highWatermark: batch.highWatermark,
      records: batch.messages,
      firstOffset: () => batch.firstOffset(),
      lastOffset: () => batch.lastOffset(),
    },
    resolveOffset: (offset) => payload.resolveOffset(offset),
    heartbeat: () => payload.heartbeat(),
    pause: () => void payload.pause(),
    // Through the payload: `consumer.commitOffsets` silently does nothing once the consumer is stopping.
    commitOffset: (offset) =>
      payload.commitOffsetsIfNecessary({
        topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset }] }],
      }),
    isRunning: () => payload.isRunning(),
    isStale: () => payload.isStale(),
  };
}

export class KafkajsConsumer implements LogConsumer {
  /** Starts the last run again, once kafkajs has stopped it; absent until `run`. */
  private rerun: (() => Promise<void>) | undefined;
  private disconnected = false;
  private restartTimer: NodeJS.Timeout | undefined;
  private restartPauseMs = FIRST_RESTART_PAUSE_MS;

  private readonly consumer: Consumer;

  constructor(kafka: Kafka, config: ConsumerConfig) {
    const consumer = kafka.consumer({
      ...config,
      retry: {
        retries: CONSUMER_RETRIES,
        ...config.retry,
        restartOnFailure: async () => !this.disconnected,
      },
    });
    this.consumer = consumer;
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (payload.restart) {
        setImmediate(() => {
          if (this.disconnected) this.consumer.disconnect().catch(() => undefined);
        });
      }
      if (this.restartsAfter(payload)) this.scheduleRestart();
    });
    consumer.on(consumer.events.GROUP_JOIN, () => {
      this.restartPauseMs = FIRST_RESTART_PAUSE_MS;
    });
  }

  connect(): Promise<void> {
    this.disconnected = false;
    return this.consumer.connect();
  }

  disconnect(): Promise<void> {
    this.disconnected = true;
    clearTimeout(this.restartTimer);
    return this.consumer.disconnect();
  }

  subscribe(subscription: { readonly topic: string; readonly fromBeginning: boolean }): Promise<void> {
    return this.consumer.subscribe({ ...subscription });
  }

  run(run: BatchRun | RecordRun): Promise<void> {
    if ('eachRecord' in run) {
      const { eachRecord, ...rest } = run;
      this.rerun = () =>
        this.consumer.run({
          ...rest,
          eachMessage: ({ topic, partition, message }) => eachRecord({ topic, partition, record: message }),
        });
    } else {
      const { eachBatch, ...rest } = run;
      this.rerun = () =>
        this.consumer.run({ ...rest, eachBatch: (payload) => eachBatch(contextOf(payload)) });
    }
    return this.rerun();
  }

  /** Whether the consumer starts again after this crash: kafkajs restarts it, or this adapter does. */
  private restartsAfter(crash: { readonly error: Error; readonly restart: boolean }): boolean {
    if (crash.restart) return false;
    return !this.disconnected && this.rerun !== undefined && isCoordinatorNotFound(crash.error);
  }

  private scheduleRestart(): void {
    clearTimeout(this.restartTimer);
    const pause = this.restartPauseMs;
    this.restartPauseMs = Math.min(pause * 2, MAX_RESTART_PAUSE_MS);
    this.restartTimer = setTimeout(() => {
      if (this.disconnected || this.rerun === undefined) return;
      const rerun = this.rerun;
      // kafkajs disconnected the consumer when it crashed; a failed start is tried again after a longer pause.
      this.consumer
        .connect()
        // A disconnect that came while connecting wins: the consumer is not started again.
        .then(() => (this.disconnected ? this.consumer.disconnect() : rerun()))
        .catch(() => {
          if (!this.disconnected) this.scheduleRestart();
        });
    }, pause);
  }

  seek(position: { readonly topic: string; readonly partition: number; readonly offset: string }): void {
    this.consumer.seek({ ...position });
  }

  onGroupJoin(listener: (assigned: Readonly<Record<string, readonly number[]>>) => void): Unsubscribe {
    const { consumer } = this;
    return consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => listener(payload.memberAssignment));
  }

  onBatchEnd(
    listener: (end: {
      readonly topic: string;
      readonly partition: number;
      readonly lastOffset: string;
    }) => void,
  ): Unsubscribe {
    const { consumer } = this;
    return consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) =>
      listener({ topic: payload.topic, partition: payload.partition, lastOffset: payload.lastOffset }),
    );
  }

  onCrash(listener: (crash: { readonly error: Error; readonly restart: boolean }) => void): Unsubscribe {
    const { consumer } = this;
    return consumer.on(consumer.events.CRASH, ({ payload }) =>
      listener({ error: payload.error, restart: payload.restart || this.restartsAfter(payload) }),
    );
  }

  onStop(listener: () => void): Unsubscribe {
    const { consumer } = this;
    return consumer.on(consumer.events.STOP, () => listener());
  }
}
