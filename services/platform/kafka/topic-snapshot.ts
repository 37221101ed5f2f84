// Reads whole topics as they stand: every committed record (read_committed) from the beginning of each partition
// up to the end offsets taken when the read starts, with a throwaway consumer group deleted afterwards. Shadow
// replay reads the commands and transitions topics this way. Only statewright's record shape leaves this file.
import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';
import type { KafkaSettings } from '../config/connection-settings';
import type { Logger } from '../logging/logger';
import { kafkajsClient } from './kafka-client';
import type { ConsumedRecord } from './records';
import { TopicReadError } from './topic-reader-error';

export interface TopicSnapshot {
  readonly topic: string;
  /** The topic's partition count. */
  readonly partitions: number;
  /** Per partition, its records in offset order. */
  readonly records: ReadonlyMap<number, readonly ConsumedRecord[]>;
}

/** How long one topic may take to read to its end (an open transaction holds read_committed readers back). */
const DEFAULT_TIMEOUT_MS = 120_000;

/** Each topic of `topics`, read one after the other. Throws TopicReadError when one cannot be read in time. */
export async function readTopics(
  settings: KafkaSettings,
  logger: Logger,
  topics: readonly string[],
  timeoutMs = DEFAULT_TIMEOUT_MS,
): Promise<TopicSnapshot[]> {
  const kafka = kafkajsClient(settings, logger);
  const snapshots: TopicSnapshot[] = [];
  for (const topic of topics) snapshots.push(await readTopic(kafka, topic, timeoutMs));
  return snapshots;
}

async function readTopic(kafka: Kafka, topic: string, timeoutMs: number): Promise<TopicSnapshot> {
  const ends = await endOffsets(kafka, topic);
  const records = new Map<number, ConsumedRecord[]>([...ends.keys()].map((p) => [p, []]));
  const pending = new Set([...ends].filter(([, end]) => end.high > end.low).map(([p]) => p));
  if (pending.size > 0) {
    const groupId = `statewright-snapshot-${randomUUID()}`;
    const consumer = kafka.consumer({ groupId, readUncommitted: false });
    try {
      await consume(consumer, topic, ends, pending, records, timeoutMs);
    } catch (error) {
      throw new TopicReadError(topic, `reading failed: ${String(error)}`, { cause: error });
    } finally {
      await release(kafka, consumer, groupId);
    }
  }
  return { topic, partitions: ends.size, records };
}

async function consume(
  consumer: Consumer,
  topic: string,
  ends: Map<number, { low: number; high: number }>,
  pending: Set<number>,
  records: Map<number, ConsumedRecord[]>,
  timeoutMs: number,
): Promise<void> {
  const high = (partition: number) => ends.get(partition)?.high ?? 0;
  const finished = new Promise<void>((resolve) => {
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      // lastOffset counts transaction markers too, so the end is reached even when a commit marker ends the log.
      if (Number(payload.lastOffset) + 1 >= high(payload.partition)) pending.delete(payload.partition);
      if (pending.size === 0) resolve();
    });
  });
  const crashed = new Promise<never>((_, reject) => {
    consumer.on(consumer.events.CRASH, ({ payload }) => reject(payload.error));
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ partition, message }) => {
      if (Number(message.offset) >= high(partition)) return;
      records.get(partition)?.push({
        key: message.key,
        value: message.value,
        offset: message.offset,
        timestamp: message.timestamp,
        headers: message.headers,
      });
    },
  });
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new Error(`the end was not reached in ${timeoutMs} ms; partitions left: ${[...pending].join(',')}`),
        ),
      timeoutMs,
    );
  });
  try {
    await Promise.race([finished, crashed, late]);
  } finally {
    clearTimeout(timer);
  }
}

async function endOffsets(kafka: Kafka, topic: string): Promise<Map<number, { low: number; high: number }>> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets(topic);
    return new Map(offsets.map((o) => [o.partition, { low: Number(o.low), high: Number(o.high) }]));
  } catch (error) {
    throw new TopicReadError(topic, `its offsets could not be read: ${String(error)}`, { cause: error });
  } finally {
    await admin.disconnect();
  }
}

/** Disconnects and deletes the throwaway group; the deletion is best effort (an empty group expires anyway). */
async function release(kafka: Kafka, consumer: Consumer, groupId: string): Promise<void> {
  await consumer.disconnect();
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.deleteGroups([groupId]);
  } catch {
    // Nothing to undo: the read itself succeeded or has already failed with its own error.
  } finally {
    await admin.disconnect();
  }
}
