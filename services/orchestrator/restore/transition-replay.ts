// Reads one transitions partition from an offset to its end, for restore. kafkajs cannot assign() without a group,
// so a consumer with a unique, never-committing group subscribes, seeks the partition and pauses the others.
// The end is fixed before reading: after InitProducerId no transaction of this partition's only writer is open,
// so the end offset is stable; progress counts control records too (kafkajs reports them in batch events).
import { randomUUID } from 'node:crypto';
import type { Admin, Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { LogRecord } from '../../core';
import type { EnvelopeCodec } from '../../platform/codec/envelope-codec';
import { fromTransitionEnvelope, type TransitionEnvelope } from '../../platform/codec/transition-envelope';
import { RestoreError } from './restore-error';

export interface ReplayRequest {
  readonly topic: string;
  readonly partition: number;
  /** Offset of the last record already reflected; null replays the whole partition. */
  readonly after: number | null;
  readonly groupPrefix: string;
  readonly timeoutMs: number;
  readonly apply: (record: LogRecord, offset: number) => void;
  /** Keeps the caller's own consumer session alive during a long replay. */
  readonly heartbeat: () => Promise<void>;
}

export async function replayTransitions(
  kafka: Kafka,
  admin: Admin,
  codec: EnvelopeCodec,
  request: ReplayRequest,
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
      `transitions ${request.topic}/${request.partition} start at ${low}, the snapshot needs ${start}: retention removed records`,
    );
  }
  if (start >= end) return 0;
  const consumer = kafka.consumer({
    groupId: `${request.groupPrefix}.restore.${request.partition}.${randomUUID()}`,
    readUncommitted: false,
    allowAutoTopicCreation: false,
  });
  try {
    return await readRange(consumer, codec, request, start, end);
  } finally {
    await consumer.disconnect();
  }
}

async function readRange(
  consumer: Consumer,
  codec: EnvelopeCodec,
  request: ReplayRequest,
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
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
    if (payload.partition === request.partition && Number(payload.lastOffset) + 1 >= end) finish();
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => fail(payload.error));
  await consumer.connect();
  await consumer.subscribe({ topic: request.topic, fromBeginning: true });
  let next = start;
  const eachBatch = async ({ batch, pause }: EachBatchPayload) => {
    if (batch.partition !== request.partition) {
      pause();
      return;
    }
    try {
      // `next` makes each offset apply once, whether the seek lands before or after the first fetch.
      for (const message of batch.messages) {
        const offset = Number(message.offset);
        if (offset < next || offset >= end) continue;
        const envelope = (await codec.decode('transition', message.value)) as TransitionEnvelope;
        request.apply(fromTransitionEnvelope(envelope), offset);
        next = offset + 1;
        applied += 1;
      }
      await request.heartbeat();
    } catch (error) {
      // Thrown errors would make kafkajs retry the batch and fold records twice: stop the replay instead.
      fail(error);
    }
  };
  await consumer.run({ autoCommit: false, eachBatchAutoResolve: true, eachBatch });
  consumer.seek({ topic: request.topic, partition: request.partition, offset: String(start) });
  await withTimeout(done, request.timeoutMs, request);
  return applied;
}

async function withTimeout(done: Promise<void>, ms: number, request: ReplayRequest): Promise<void> {
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
