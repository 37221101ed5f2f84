/* eslint-disable @typescript-eslint/no-require-imports */
import type { TopicRecords } from './log-producer';
import { requestChunks, sendOffsetsRetrying } from './transactional-producer';

/** kafkajs' own error for a protocol error code, as its responses throw it. */
const { createErrorFromCode } = require('kafkajs/src/protocol/error') as {
  createErrorFromCode(code: number): Error & { type: string };
};

const message = (bytes: number) => ({ key: 'k', value: Buffer.alloc(bytes) });

test('large outputs are split into requests under the limit, in order, topics kept apart', () => {
  const input: TopicRecords[] = [
    { topic: 'transitions', records: Array.from({ length: 30 }, () => message(50_000)) },
    { topic: 'tasks', records: Array.from({ length: 10 }, () => message(20_000)) },
  ];
  const chunks = [...requestChunks(input)];
  expect(chunks.length).toBeGreaterThan(2);
  for (const chunk of chunks) {
    const bytes = chunk.flatMap((t) => t.records).reduce((sum, m) => sum + (m.value as Buffer).length, 0);
    expect(bytes).toBeLessThanOrEqual(512 * 1024);
  }
  const flattened = chunks.flatMap((chunk) => chunk.flatMap((t) => t.records.map((m) => [t.topic, m])));
  const original = input.flatMap((t) => t.records.map((m) => [t.topic, m]));
  expect(flattened).toEqual(original);
});

test('a message larger than the limit goes alone', () => {
  const chunks = [...requestChunks([{ topic: 't', records: [message(10), message(900_000), message(10)] }])];
  expect(chunks.map((chunk) => chunk[0]!.records.length)).toEqual([1, 1, 1]);
});

describe('sendOffsetsRetrying', () => {
  const request = {
    consumerGroupId: 'g',
    topics: [{ topic: 't', partitions: [{ partition: 0, offset: '1' }] }],
  };

  /** A transaction whose sendOffsets fails with each of `errors` in turn, then succeeds. */
  const failingWith = (...errors: Error[]) => {
    const calls: unknown[] = [];
    return {
      calls,
      sendOffsets: async (sent: typeof request) => {
        calls.push(sent);
        const error = errors.shift();
        if (error !== undefined) throw error;
      },
    };
  };

  it.each([
    [16, 'NOT_COORDINATOR_FOR_GROUP'],
    [15, 'GROUP_COORDINATOR_NOT_AVAILABLE'],
    [14, 'GROUP_LOAD_IN_PROGRESS'],
    [51, 'CONCURRENT_TRANSACTIONS'],
  ])('tries again after kafkajs error %i (%s)', async (code, type) => {
    const error = createErrorFromCode(code);
    expect(error.type).toBe(type);
    const transaction = failingWith(error, createErrorFromCode(code));
    await sendOffsetsRetrying(transaction, request);
    expect(transaction.calls).toEqual([request, request, request]);
  });

  it('finds a coordinator error behind kafkajs wrappers', async () => {
    const wrapped = Object.assign(new Error('retries exceeded'), { cause: createErrorFromCode(16) });
    const transaction = failingWith(wrapped);
    await sendOffsetsRetrying(transaction, request);
    expect(transaction.calls).toHaveLength(2);
  });

  it('fails at once on any other error', async () => {
    const fenced = createErrorFromCode(47);
    const transaction = failingWith(fenced);
    await expect(sendOffsetsRetrying(transaction, request)).rejects.toBe(fenced);
    expect(transaction.calls).toHaveLength(1);
  });

  it('gives up after its last try', async () => {
    const transaction = failingWith(...Array.from({ length: 4 }, () => createErrorFromCode(16)));
    const retry = { attempts: 3, backoffMs: 1, maxBackoffMs: 1 };
    await expect(sendOffsetsRetrying(transaction, request, retry)).rejects.toMatchObject({
      type: 'NOT_COORDINATOR_FOR_GROUP',
    });
    expect(transaction.calls).toHaveLength(3);
  });
});
