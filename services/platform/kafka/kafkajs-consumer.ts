// The consumer port over a kafkajs Consumer: settings and runs passed through unchanged, batches handed over
// with their records as statewright's ConsumedRecord, and kafkajs' instrumentation events under our names.
import type { Consumer, EachBatchPayload } from 'kafkajs';
import type { BatchContext, BatchRun, LogConsumer, RecordRun, Unsubscribe } from './log-consumer';

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
  constructor(private readonly consumer: Consumer) {}

  connect(): Promise<void> {
    return this.consumer.connect();
  }

  disconnect(): Promise<void> {
    return this.consumer.disconnect();
  }

  subscribe(subscription: { readonly topic: string; readonly fromBeginning: boolean }): Promise<void> {
    return this.consumer.subscribe({ ...subscription });
  }

  run(run: BatchRun | RecordRun): Promise<void> {
    if ('eachRecord' in run) {
      const { eachRecord, ...rest } = run;
      return this.consumer.run({
        ...rest,
        eachMessage: ({ topic, partition, message }) => eachRecord({ topic, partition, record: message }),
      });
    }
    const { eachBatch, ...rest } = run;
    return this.consumer.run({ ...rest, eachBatch: (payload) => eachBatch(contextOf(payload)) });
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
      listener({ error: payload.error, restart: payload.restart }),
    );
  }

  onStop(listener: () => void): Unsubscribe {
    const { consumer } = this;
    return consumer.on(consumer.events.STOP, () => listener());
  }
}
