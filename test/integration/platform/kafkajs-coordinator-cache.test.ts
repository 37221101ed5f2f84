// The services' kafkajs client keeps the coordinators of its transactions instead of looking them up before every
// request (services/platform/kafka/kafkajs-coordinator-cache.ts). In a child process, as the services run (the
// replacement is process-wide): it is in place, transactions that send offsets look each coordinator up once, and
// what they wrote and the offsets they committed are there.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '../../harness/infrastructure';
import { endpoints } from '../../harness/namespace';

const run = promisify(execFile);
const kafkaDir = path.join(repoRoot, 'dist/services/platform/kafka');
const TRANSACTIONS = 6;

const script = `
const client = require(${JSON.stringify(path.join(kafkaDir, 'kafka-client.js'))});
const cache = require(${JSON.stringify(path.join(kafkaDir, 'kafkajs-coordinator-cache.js'))});
const quiet = { child: () => quiet, error() {}, warn() {}, info() {}, debug() {} };
const kafka = client.kafkajsClient({ clientId: 'coordinator-check', brokers: process.env.KAFKA_BROKERS.split(',') }, quiet);
const installed = cache.coordinatorCacheInstalled &&
  require('kafkajs/src/producer/eosManager') === cache.coordinatorKeepingEosManager;
(async () => {
  const topic = 'coordinator-check-' + process.pid + '-' + Date.now();
  const group = topic + '-group';
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
  const producer = kafka.producer({ transactionalId: topic + '-tx', idempotent: true, maxInFlightRequests: 1 });
  const requests = {};
  producer.on(producer.events.REQUEST, ({ payload }) => {
    requests[payload.apiName] = (requests[payload.apiName] || 0) + 1;
  });
  await producer.connect();
  for (let i = 0; i < ${TRANSACTIONS}; i++) {
    const transaction = await producer.transaction();
    await transaction.send({ topic, messages: [{ key: 'k' + i, value: 'v' + i }] });
    await transaction.sendOffsets({
      consumerGroupId: group,
      topics: [{ topic, partitions: [{ partition: 0, offset: String(i + 1) }] }],
    });
    await transaction.commit();
  }
  await producer.disconnect();
  const consumer = kafka.consumer({ groupId: topic + '-readers', maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const values = [];
  await new Promise((resolve) =>
    consumer.run({
      eachMessage: async ({ message }) => {
        values.push(message.value.toString());
        if (values.length === ${TRANSACTIONS}) resolve();
      },
    }),
  );
  await consumer.disconnect();
  const [{ partitions }] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
  await admin.deleteGroups([group, topic + '-readers']).catch(() => undefined);
  await admin.deleteTopics({ topics: [topic] });
  await admin.disconnect();
  process.stdout.write(JSON.stringify({ installed, requests, values, committed: partitions[0].offset }));
})();
`;

test('transactions that send offsets look each coordinator up once and commit what they hold', async () => {
  const { stdout } = await run(process.execPath, ['-e', script], {
    cwd: repoRoot,
    env: { ...process.env, KAFKA_BROKERS: endpoints().kafkaBrokers },
    timeout: 60_000,
  });
  const { installed, requests, values, committed } = JSON.parse(stdout) as {
    installed: boolean;
    requests: Record<string, number>;
    values: string[];
    committed: string;
  };
  expect(installed).toBe(true);
  expect(requests.EndTxn).toBe(TRANSACTIONS);
  expect(requests.TxnOffsetCommit).toBe(TRANSACTIONS);
  // One lookup of the transaction's coordinator and one of the group's, where kafkajs makes four per transaction.
  expect(requests.GroupCoordinator).toBe(2);
  expect(values).toEqual(Array.from({ length: TRANSACTIONS }, (_, i) => `v${i}`));
  expect(committed).toBe(String(TRANSACTIONS));
});
