// The consumer port over a confluent (librdkafka) consumer. Its KafkaJS layer takes `fromBeginning` and
// `autoCommit` when the consumer is created, not at subscribe and run as kafkajs does, so the client consumer is
// built at `run`, with everything the port was given by then. Group joins come from the rebalance callback.
// librdkafka never hands control records (transaction markers) to the application: `onBatchEnd` reports the
// last record delivered, so a reader waiting for a transactional log's high watermark never sees it reached.
import type { KafkaJS } from '@confluentinc/kafka-javascript';
import type {
  BatchContext,
  BatchRun,
  ConsumerSettings,
  LogConsumer,
  RecordRun,
  Unsubscribe,
} from '../log-consumer';
import type { ConfluentKafkaJS } from './confluent-module';

type Position = { readonly topic: string; readonly partition: number; readonly offset: string };
type BatchEnd = { readonly topic: string; readonly partition: number; readonly lastOffset: string };
type Crash = { readonly error: Error; readonly restart: boolean };

/** Listeners of one event; `add` returns their removal. */
class Listeners<T> {
  private readonly all = new Set<(value: T) => void>();

  add(listener: (value: T) => void): Unsubscribe {
    this.all.add(listener);
    return () => void this.all.delete(listener);
  }

  emit(value: T): void {
    for (const listener of [...this.all]) listener(value);
  }
}

/** The assignment of a rebalance, per topic. */
function byTopic(assignment: readonly KafkaJS.TopicPartition[]): Record<string, number[]> {
  const topics: Record<string, number[]> = {};
  for (const { topic, partition } of assignment) (topics[topic] ??= []).push(partition);
  return topics;
}

export class ConfluentConsumer implements LogConsumer {
  private consumer: KafkaJS.Consumer | undefined;
  private subscription: { readonly topic: string; readonly fromBeginning: boolean } | undefined;
  private readonly pendingSeeks: Position[] = [];
  private readonly joins = new Listeners<Readonly<Record<string, readonly number[]>>>();
  private readonly batchEnds = new Listeners<BatchEnd>();
  private readonly crashes = new Listeners<Crash>();
  private readonly stops = new Listeners<void>();

  constructor(
    private readonly kafka: KafkaJS.Kafka,
    private readonly module: ConfluentKafkaJS,
    private readonly settings: ConsumerSettings,
    private readonly registry: {
      add(groupId: string, consumer: KafkaJS.Consumer): void;
      remove(groupId: string, consumer: KafkaJS.Consumer): void;
    },
  ) {}

  /** The client consumer once running, for transactions that commit this group's offsets. */
  running(): KafkaJS.Consumer | undefined {
    return this.consumer;
  }

  /** The client connects at `run`, when its settings are all known. */
  async connect(): Promise<void> {}

  async disconnect(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    if (consumer === undefined) return;
    this.registry.remove(this.settings.groupId, consumer);
    await consumer.disconnect();
    this.stops.emit();
  }

  async subscribe(subscription: { readonly topic: string; readonly fromBeginning: boolean }): Promise<void> {
    this.subscription = { ...subscription };
  }

  async run(run: BatchRun | RecordRun): Promise<void> {
    const subscription = this.subscription;
    if (subscription === undefined) throw new Error('subscribe before run');
    const consumer = this.create(subscription.fromBeginning, run.autoCommit ?? true);
    await consumer.connect();
    await consumer.subscribe({ topic: subscription.topic });
    this.consumer = consumer;
    this.registry.add(this.settings.groupId, consumer);
    for (const position of this.pendingSeeks.splice(0)) consumer.seek({ ...position });
    if ('eachRecord' in run) {
      const { eachRecord } = run;
      await consumer.run({
        eachMessage: ({ topic, partition, message }) => eachRecord({ topic, partition, record: message }),
      });
      return;
    }
    const { eachBatch } = run;
    await consumer.run({
      eachBatchAutoResolve: run.eachBatchAutoResolve ?? true,
      partitionsConsumedConcurrently: run.partitionsConsumedConcurrently ?? 1,
      eachBatch: async (payload) => {
        await eachBatch(this.contextOf(consumer, payload));
        const { topic, partition } = payload.batch;
        this.batchEnds.emit({ topic, partition, lastOffset: payload.batch.lastOffset() });
      },
    });
  }

  private create(fromBeginning: boolean, autoCommit: boolean): KafkaJS.Consumer {
    const {
      groupId,
      readUncommitted,
      allowAutoTopicCreation,
      maxWaitTimeInMs,
      sessionTimeout,
      heartbeatInterval,
    } = this.settings;
    const codes = this.module.ErrorCodes;
    return this.kafka.consumer({
      kafkaJS: {
        groupId,
        readUncommitted,
        allowAutoTopicCreation: allowAutoTopicCreation ?? true,
        ...(maxWaitTimeInMs === undefined ? {} : { maxWaitTimeInMs }),
        ...(sessionTimeout === undefined ? {} : { sessionTimeout }),
        ...(heartbeatInterval === undefined ? {} : { heartbeatInterval }),
        fromBeginning,
        autoCommit,
      },
      // kafkajs hands a batch all the records of a fetch; librdkafka's KafkaJS layer caps it at 32 by default.
      'js.consumer.max.batch.size': -1,
      rebalance_cb: (error: { code: number }, assignment: KafkaJS.TopicPartition[]) => {
        if (error.code === codes.ERR__ASSIGN_PARTITIONS) this.joins.emit(byTopic(assignment));
      },
    } as KafkaJS.ConsumerConstructorConfig);
  }

  private contextOf(consumer: KafkaJS.Consumer, payload: KafkaJS.EachBatchPayload): BatchContext {
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
      commitOffset: (offset) =>
        consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset }]),
      isRunning: () => payload.isRunning(),
      isStale: () => payload.isStale(),
    };
  }

  seek(position: Position): void {
    if (this.consumer === undefined) this.pendingSeeks.push({ ...position });
    else this.consumer.seek({ ...position });
  }

  onGroupJoin(listener: (assigned: Readonly<Record<string, readonly number[]>>) => void): Unsubscribe {
    return this.joins.add(listener);
  }

  onBatchEnd(listener: (end: BatchEnd) => void): Unsubscribe {
    return this.batchEnds.add(listener);
  }

  /** librdkafka restarts a failing consumer by itself and reports no crash; a failed `run` rejects instead. */
  onCrash(listener: (crash: Crash) => void): Unsubscribe {
    return this.crashes.add(listener);
  }

  onStop(listener: () => void): Unsubscribe {
    return this.stops.add(listener);
  }
}
