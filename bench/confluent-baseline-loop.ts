// baseline-loop.ts with the confluent client (librdkafka): the same raw consume → produce-in-transaction loop,
// one transactional producer per partition and one transaction per batch with its offsets, no logic. Its offsets
// go with the consumer's group metadata (KIP-447), the only way this client sends them.
import type { KafkaJS } from '@confluentinc/kafka-javascript';

const brokers = process.env.KAFKA_BROKERS ?? '127.0.0.1:19092';
const input = process.env.BASELINE_INPUT!;
const output = process.env.BASELINE_OUTPUT!;
const groupId = process.env.BASELINE_GROUP!;
const partitions = Number(process.env.BASELINE_PARTITIONS ?? '6');

async function main(): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Kafka, logLevel } = (require('@confluentinc/kafka-javascript') as { KafkaJS: typeof KafkaJS })
    .KafkaJS;
  const kafka = new Kafka({ kafkaJS: { brokers: [brokers], clientId: groupId, logLevel: logLevel.ERROR } });
  const producers = new Map<number, KafkaJS.Producer>();
  const producerFor = async (partition: number): Promise<KafkaJS.Producer> => {
    let producer = producers.get(partition);
    if (producer === undefined) {
      producer = kafka.producer({
        kafkaJS: {
          transactionalId: `${groupId}.${input}.${partition}`,
          idempotent: true,
          maxInFlightRequests: 1,
        },
      });
      await producer.connect();
      producers.set(partition, producer);
    }
    return producer;
  };
  const consumer = kafka.consumer({
    kafkaJS: { groupId, readUncommitted: false, maxWaitTimeInMs: 50, fromBeginning: true, autoCommit: false },
    // As kafkajs: a batch is what a fetch returned, not at most 32 records.
    'js.consumer.max.batch.size': -1,
  });
  await consumer.connect();
  await consumer.subscribe({ topic: input });
  await consumer.run({
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: partitions,
    eachBatch: async ({ batch, resolveOffset }) => {
      if (batch.messages.length === 0) return;
      const producer = await producerFor(batch.partition);
      await producer.transaction();
      await producer.send({
        topic: output,
        messages: batch.messages.map((m) => ({ key: m.key, value: m.value, partition: batch.partition })),
      });
      const next = (BigInt(batch.lastOffset()) + 1n).toString();
      await producer.sendOffsets({
        consumer,
        topics: [{ topic: input, partitions: [{ partition: batch.partition, offset: next }] }],
      });
      await producer.commit();
      resolveOffset(batch.lastOffset());
    },
  });
  process.stdout.write('{"msg":"ready"}\n');
  const stop = async () => {
    await consumer.disconnect();
    await Promise.all([...producers.values()].map((p) => p.disconnect()));
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
