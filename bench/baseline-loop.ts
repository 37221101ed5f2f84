// The baseline the orchestrator is measured against: a raw kafkajs consume → produce-in-transaction
// loop with no logic. Same shape as the orchestrator's (one transactional producer per partition, one
// transaction per batch with sendOffsets), one output record per input record, to the same partition.
import { Kafka, logLevel, type Producer } from 'kafkajs';

const brokers = process.env.KAFKA_BROKERS ?? '127.0.0.1:19092';
const input = process.env.BASELINE_INPUT!;
const output = process.env.BASELINE_OUTPUT!;
const groupId = process.env.BASELINE_GROUP!;
const partitions = Number(process.env.BASELINE_PARTITIONS ?? '6');

async function main(): Promise<void> {
  const kafka = new Kafka({
    brokers: [brokers],
    clientId: groupId,
    logLevel: logLevel.ERROR,
    retry: { initialRetryTime: 25, retries: 8 },
  });
  const producers = new Map<number, Producer>();
  const producerFor = async (partition: number): Promise<Producer> => {
    let producer = producers.get(partition);
    if (producer === undefined) {
      producer = kafka.producer({
        transactionalId: `${groupId}.${input}.${partition}`,
        idempotent: true,
        maxInFlightRequests: 1,
      });
      await producer.connect();
      producers.set(partition, producer);
    }
    return producer;
  };
  const consumer = kafka.consumer({ groupId, readUncommitted: false, maxWaitTimeInMs: 50 });
  await consumer.connect();
  await consumer.subscribe({ topic: input, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: partitions,
    eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
      if (batch.messages.length === 0) return;
      const producer = await producerFor(batch.partition);
      const transaction = await producer.transaction();
      await transaction.send({
        topic: output,
        messages: batch.messages.map((m) => ({ key: m.key, value: m.value, partition: batch.partition })),
      });
      const next = (BigInt(batch.lastOffset()) + 1n).toString();
      await transaction.sendOffsets({
        consumerGroupId: groupId,
        topics: [{ topic: input, partitions: [{ partition: batch.partition, offset: next }] }],
      });
      await transaction.commit();
      resolveOffset(batch.lastOffset());
      await heartbeat();
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
