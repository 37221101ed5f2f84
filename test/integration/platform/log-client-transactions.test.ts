// The transactional sink of the LogClient that STATEWRIGHT_KAFKA_CLIENT chooses (kafkajs by default, or
// confluent), against the real broker: a batch's outputs and its consumed offset commit together, and a second
// sink with the same transactional id fences the first.
import { Kafka, logLevel } from 'kafkajs';
import { z } from 'zod';
import { connectionEnv, parseEnv } from '../../../services/platform/config/connection-settings';
import { createKafka } from '../../../services/platform/kafka/kafka-client';
import type { LogClient } from '../../../services/platform/kafka/log-client';
import type { ProducedRecord } from '../../../services/platform/kafka/records';
import { TransactionError } from '../../../services/platform/kafka/transaction-error';
import { createLogger } from '../../../services/platform/logging/logger';
import { consumeUntil } from '../../harness/consume';
import { endpoints, testNamespace } from '../../harness/namespace';

const { kafkaBrokers } = endpoints();
const ns = testNamespace('log-txn');
const input = `${ns.prefix}.in`;
const output = `${ns.prefix}.out`;
const { STATEWRIGHT_KAFKA_CLIENT: client } = parseEnv(
  z.object({ STATEWRIGHT_KAFKA_CLIENT: connectionEnv.STATEWRIGHT_KAFKA_CLIENT }),
  process.env,
);
const logger = createLogger('silent', 'log-client-transactions');
const log: LogClient = createKafka(
  { client, brokers: [kafkaBrokers], clientId: ns.prefix, tls: false, tlsCaFile: undefined, sasl: undefined },
  logger,
);
const kafka = new Kafka({ brokers: [kafkaBrokers], clientId: ns.prefix, logLevel: logLevel.NOTHING });
const admin = kafka.admin();

const records = (values: readonly string[]): ProducedRecord[] =>
  values.map((value) => ({ key: 'k', value: Buffer.from(value), partition: 0 }));

beforeAll(async () => {
  await admin.connect();
  await admin.createTopics({
    topics: [input, output].map((topic) => ({ topic, numPartitions: 1 })),
    waitForLeaders: true,
  });
});

afterAll(async () => {
  await admin.deleteTopics({ topics: [input, output] });
  await admin.disconnect();
});

test(`${client}: a batch's outputs and its consumed offset commit in one transaction`, async () => {
  const producer = log.producer({ idempotent: true });
  await producer.connect();
  await producer.send(input, records(['a', 'b', 'c', 'd', 'e']));
  await producer.disconnect();

  const sink = log.transactionalSink(`${ns.prefix}.sink`, logger);
  await sink.connect();
  const consumer = log.consumer({ groupId: ns.groupId, readUncommitted: false, maxWaitTimeInMs: 100 });
  let consumed = 0;
  const allConsumed = new Promise<void>((resolve, reject) => {
    void consumer
      .subscribe({ topic: input, fromBeginning: true })
      .then(() =>
        consumer.run({
          autoCommit: false,
          eachBatchAutoResolve: false,
          eachBatch: async ({ batch, resolveOffset }) => {
            if (batch.records.length === 0) return;
            const values = batch.records.map((record) => `out-${record.value?.toString()}`);
            const next = String(Number(batch.lastOffset()) + 1);
            await sink.commit([{ topic: output, records: records(values) }], {
              consumerGroupId: ns.groupId,
              topic: input,
              partition: 0,
              offset: next,
            });
            resolveOffset(batch.lastOffset());
            consumed += batch.records.length;
            if (consumed >= 5) resolve();
          },
        }),
      )
      .catch(reject);
  });
  try {
    await consumer.connect();
    await allConsumed;
  } finally {
    await consumer.disconnect();
    await sink.disconnect();
  }

  const seen = await consumeUntil(kafka, output, (messages) => messages.length >= 5);
  expect(seen.map((m) => m.value?.toString())).toEqual(['out-a', 'out-b', 'out-c', 'out-d', 'out-e']);
  const offsets = await admin.fetchOffsets({ groupId: ns.groupId, topics: [input] });
  expect(offsets[0]!.partitions[0]!.offset).toBe('5');
}, 60_000);

test(`${client}: connecting a second sink with the same id fences the first, whose commit fails and writes nothing`, async () => {
  const id = `${ns.prefix}.fenced`;
  const first = log.transactionalSink(id, logger);
  const second = log.transactionalSink(id, logger);
  await first.connect();
  await second.connect();
  try {
    const refused = await first.commit([{ topic: output, records: records(['zombie']) }]).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(TransactionError);
    expect((refused as TransactionError).fenced).toBe(true);
    await second.commit([{ topic: output, records: records(['owner']) }]);
  } finally {
    await first.disconnect().catch(() => undefined);
    await second.disconnect();
  }
  const seen = await consumeUntil(kafka, output, (messages) =>
    messages.some((m) => m.value?.toString() === 'owner'),
  );
  expect(seen.map((m) => m.value?.toString())).not.toContain('zombie');
}, 60_000);
