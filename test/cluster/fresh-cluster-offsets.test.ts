// A cluster that has just started: the first transactions that send a consumer group's offsets create the groups'
// coordinator topic, whose partitions the brokers are still taking up when the next groups' offsets arrive. A
// broker answers those with NOT_COORDINATOR (kafkajs: NOT_COORDINATOR_FOR_GROUP), on which kafkajs gives up;
// the transactional sink finds the coordinator again and commits. Each transaction here sends the offsets of
// another group, so that they fall on several of that topic's partitions.
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { TransactionalProducer } from '../../services/platform/kafka/transactional-producer';
import { createLogger } from '../../services/platform/logging/logger';
import { startClusterStack, type ClusterStack } from '../harness/cluster-stack';
import { repoRoot } from '../harness/infrastructure';

const TRANSACTIONS = 12;
const topic = 'fresh-cluster-offsets';
let stack: ClusterStack | undefined;
let kafka: Kafka;

beforeAll(async () => {
  stack = await startClusterStack(path.join(repoRoot, 'test-results', 'cluster', 'fresh-cluster-offsets'));
  kafka = new Kafka({ brokers: stack.endpoints.kafkaBrokers.split(','), logLevel: logLevel.NOTHING });
}, 300_000);

afterAll(async () => {
  await stack?.stop();
}, 120_000);

test('transactions that send offsets commit while a new cluster takes up its group coordinators', async () => {
  const admin = kafka.admin();
  await admin.connect();
  const sink = new TransactionalProducer(kafka, `${topic}-tx`, createLogger('silent'));
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    await sink.connect();
    const groups = Array.from({ length: TRANSACTIONS }, (_, i) => `${topic}-group-${i}`);
    for (const [i, consumerGroupId] of groups.entries()) {
      await sink.commit([{ topic, records: [{ key: Buffer.from('k'), value: Buffer.from(`v${i}`) }] }], {
        consumerGroupId,
        topic,
        partition: 0,
        offset: String(i + 1),
      });
    }
    for (const [i, groupId] of groups.entries()) {
      const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
      expect(committed?.partitions[0]?.offset).toBe(String(i + 1));
    }
  } finally {
    await sink.disconnect();
    await admin.disconnect();
  }
});
