// Reads one partition (the transitions changelog, or the keys topic) from an offset to its end, for restore.
// The log client cannot assign() without a group (kafkajs cannot), so a consumer with a unique, never-committing
// group subscribes, seeks the partition and pauses the others.
// The end is fixed before reading: after InitProducerId no transaction of this partition's only writer is open,
// so the end offset is stable; progress counts control records too (the consumer reports them at each batch end).
import { randomUUID } from 'node:crypto';
import type { LogRecord } from '../../core';
import type { EnvelopeCodec } from '../../platform/codec/envelope-codec';
import { fromChangelogEnvelope, type ChangelogRecord } from '../../platform/codec/transition-envelope';
import type { LogAdmin } from '../../platform/kafka/log-admin';
import type { LogClient } from '../../platform/kafka/log-client';
import type { BatchContext, LogConsumer } from '../../platform/kafka/log-consumer';
import type { ConsumedRecord } from '../../platform/kafka/records';
import { RestoreError } from './restore-error';

export interface ReplayRequest<T = LogRecord> {
  readonly topic: string;
  readonly partition: number;
  /** Offset of the last record already reflected; null replays the whole partition. */
  readonly after: number | null;
  readonly groupPrefix: string;
  readonly timeoutMs: number;
  /** Applied in offset order; a rejection stops the replay. */
  readonly apply: (record: T, offset: number) => void | Promise<void>;
  /** Keeps the caller's own consumer session alive during a long replay. */
  readonly heartbeat: () => Promise<void>;
}

type Decode<T> = (record: ConsumedRecord) => Promise<T>;

export function replayTransitions(
  log: LogClient,
  admin: LogAdmin,
  codec: EnvelopeCodec,
  request: ReplayRequest<ChangelogRecord>,
): Promise<number> {
  const decode = async (record: ConsumedRecord) =>
    fromChangelogEnvelope(await codec.decode('transition', record.value));
  return replayPartition(log, admin, decode, request);
}

export async function replayPartition<T>(
  log: LogClient,
  admin: LogAdmin,
  decode: Decode<T>,
  request: ReplayRequest<T>,
): Promise<number> {
  const offsets = await admin.fetchTopicOffsets(request.topic);
  const bounds = offsets.find((entry) => entry.partition === request.partition);
  const low = Number(bounds?.low ?? 0);
  const end = Number(bounds?.high ?? 0);
  const start = request.after === null ? low : request.after + 1;
  if (start < low) {
    throw new RestoreError(
      'changelog-truncated',
      false,
      `${request.topic}/${request.partition} starts at ${low}, the snapshot needs ${start}: retention removed records`,
    );
  }
  if (start >= end) return 0;
  const consumer = log.consumer({
    groupId: `${request.groupPrefix}.restore.${request.partition}.${randomUUID()}`,
    readUncommitted: false,
    allowAutoTopicCreation: false,
  });
  try {
    return await readRange(consumer, decode, request, start, end);
  } finally {
    await consumer.disconnect();
  }
}

async function readRange<T>(
  consumer: LogConsumer,
  decode: Decode<T>,
  request: ReplayRequest<T>,
  start: number,
  end: number,
): Promise<number> {
  let applied = 0;
  let finish: () => void = () => undefined;
  let fail: (error: unknown) => void = () => undefined;
  const done = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  // The consumer may crash before `done` is awaited below: the failure is read there, not left unhandled.
  done.catch(() => undefined);
  consumer.onBatchEnd((batchEnd) => {
    if (batchEnd.partition === request.partition && Number(batchEnd.lastOffset) + 1 >= end) finish();
  });
  consumer.onCrash(({ error }) => fail(error));
  await consumer.connect();
  await consumer.subscribe({ topic: request.topic, fromBeginning: true });
  let next = start;
  const eachBatch = async ({ batch, pause }: BatchContext) => {
    if (batch.partition !== request.partition) {
      pause();
      return;
    }
    try {
      // `next` makes each offset apply once, whether the seek lands before or after the first fetch.
      for (const record of batch.records) {
        const offset = Number(record.offset);
        if (offset < next || offset >= end) continue;
        await request.apply(await decode(record), offset);
        next = offset + 1;
        applied += 1;
      }
      await request.heartbeat();
    } catch (error) {
      // Thrown errors would make the consumer retry the batch and fold records twice: stop the replay instead.
      fail(error);
    }
  };
  await consumer.run({ autoCommit: false, eachBatchAutoResolve: true, eachBatch });
  consumer.seek({ topic: request.topic, partition: request.partition, offset: String(start) });
  await withTimeout(done, request.timeoutMs, request);
  return applied;
}

async function withTimeout<T>(done: Promise<void>, ms: number, request: ReplayRequest<T>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new RestoreError(
            'replay-timeout',
            true,
            `replay of ${request.topic}/${request.partition} took over ${ms} ms`,
          ),
        ),
      ms,
    );
  });
  try {
    await Promise.race([done, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
