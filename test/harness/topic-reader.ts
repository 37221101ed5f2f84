// Reads every partition of a topic from its start to the end it had when the read began, and
// returns the messages per partition in offset order. That end is the last stable offset (kafkajs' admin
// lists offsets read-committed): records of a transaction whose commit marker is not written yet lie past it,
// even when its producer's commit has returned. The end is known when a batch's last offset (control
// records included) reaches it, so commit markers do not stall the read.
import { readerGroupId } from './namespace';
import type { Kafka, KafkaMessage } from 'kafkajs';

export interface ReadOptions {
  timeoutMs?: number;
  readUncommitted?: boolean;
}

export async function readTopicToEnd(
  kafka: Kafka,
  topic: string,
  { timeoutMs = 120_000, readUncommitted = false }: ReadOptions = {},
): Promise<Map<number, KafkaMessage[]>> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic).finally(() => admin.disconnect());
  const result = new Map<number, KafkaMessage[]>(ends.map(({ partition }) => [partition, []]));
  const pending = new Set(ends.filter(({ high }) => Number(high) > 0).map(({ partition }) => partition));
  if (pending.size === 0) return result;
  const lastOffset = new Map(ends.map(({ partition, high }) => [partition, Number(high) - 1]));

  const consumer = kafka.consumer({
    groupId: readerGroupId('reader'),
    readUncommitted,
    maxWaitTimeInMs: 200,
  });
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(`reading ${topic} to its end timed out; partitions left: ${[...pending].join(',')}`),
          ),
        timeoutMs,
      );
      consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
        if (Number(payload.lastOffset) >= lastOffset.get(payload.partition)!)
          pending.delete(payload.partition);
        if (pending.size === 0) {
          clearTimeout(timer);
          resolve();
        }
      });
      consumer
        .run({
          eachBatch: async ({ batch }) => {
            const limit = lastOffset.get(batch.partition)!;
            for (const message of batch.messages) {
              if (Number(message.offset) <= limit) result.get(batch.partition)!.push(message);
            }
          },
        })
        .catch(reject);
    });
    return result;
  } finally {
    await consumer.disconnect();
  }
}
