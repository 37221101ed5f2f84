import type { TopicRecords } from './log-producer';
import { requestChunks } from './transactional-producer';

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
