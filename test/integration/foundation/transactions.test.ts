// Kafka transactions are real on one node: a committed transaction with sendOffsets is visible to a
// read_committed consumer and moves the group's offset; an aborted one is not visible.
import { Kafka, logLevel } from 'kafkajs';
import { endpoints, testNamespace } from '../../harness/namespace';
import { consumeUntil } from '../../harness/consume';

const { kafkaBrokers } = endpoints();
const ns = testNamespace('txn');
const input = `${ns.prefix}.in`;
const output = `${ns.prefix}.out`;
const kafka = new Kafka({
  brokers: [kafkaBrokers],
  clientId: ns.prefix,
  logLevel: logLevel.NOTHING,
  retry: { initialRetryTime: 25, retries: 8 },
});
const admin = kafka.admin();
const producer = kafka.producer({
  transactionalId: `${ns.prefix}.tx`,
  idempotent: true,
  maxInFlightRequests: 1,
});

beforeAll(async () => {
  await admin.connect();
  await admin.createTopics({
    topics: [
      { topic: input, numPartitions: 1 },
      { topic: output, numPartitions: 1 },
    ],
    waitForLeaders: true,
  });
  await producer.connect();
});

afterAll(async () => {
  await producer.disconnect();
  await admin.deleteTopics({ topics: [input, output] });
  await admin.disconnect();
});

test('committed records and offsets are visible; aborted records are not', async () => {
  const aborted = await producer.transaction();
  await aborted.send({ topic: output, messages: [{ key: 'k', value: 'aborted' }] });
  await aborted.abort();

  const committed = await producer.transaction();
  await committed.send({
    topic: output,
    messages: [
      { key: 'k', value: 'committed-1' },
      { key: 'k', value: 'committed-2' },
    ],
  });
  await committed.sendOffsets({
    consumerGroupId: ns.groupId,
    topics: [{ topic: input, partitions: [{ partition: 0, offset: '42' }] }],
  });
  await committed.commit();

  const marker = await producer.transaction();
  await marker.send({ topic: output, messages: [{ key: 'k', value: 'end' }] });
  await marker.commit();

  const seen = await consumeUntil(kafka, output, (messages) =>
    messages.some((m) => m.value?.toString() === 'end'),
  );
  expect(seen.map((m) => m.value?.toString())).toEqual(['committed-1', 'committed-2', 'end']);

  const offsets = await admin.fetchOffsets({ groupId: ns.groupId, topics: [input] });
  expect(offsets[0]!.partitions[0]!.offset).toBe('42');
});

test('a read_uncommitted consumer does see the aborted record, so the filter above is the isolation level', async () => {
  const seen = await consumeUntil(
    kafka,
    output,
    (messages) => messages.some((m) => m.value?.toString() === 'end'),
    {
      readUncommitted: true,
    },
  );
  expect(seen.map((m) => m.value?.toString())).toContain('aborted');
});
