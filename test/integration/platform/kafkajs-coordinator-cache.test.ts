// The services' kafkajs client keeps the coordinators of its transactions instead of looking them up before every
// request (services/platform/kafka/kafkajs-coordinator-cache.ts). In a child process, as the services run (the
// replacement is process-wide): it is in place; once a transaction that sends offsets has found both coordinators, the
// next ones look neither up again; and what they wrote and the offsets they committed are there.
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
  const transact = async (i) => {
    const transaction = await producer.transaction();
    try {
      await transaction.send({ topic, messages: [{ key: 'k' + i, value: 'v' + i }] });
      await transaction.sendOffsets({
        consumerGroupId: group,
        topics: [{ topic, partitions: [{ partition: 0, offset: String(i + 1) }] }],
      });
      await transaction.commit();
    } catch (error) {
      await transaction.abort().catch(() => undefined);
      throw error;
    }
  };
  await producer.connect();
  // A broker that has just started may answer the first lookups and offset commits with a coordinator that is not
  // ready yet (kafkajs gives up on NOT_COORDINATOR_FOR_GROUP); the first transaction is tried until it commits.
  for (let attempt = 1; ; attempt++) {
    try {
      await transact(0);
      break;
    } catch (error) {
      if (attempt === 5) throw error;
    }
  }
  const first = { ...requests };
  for (let i = 1; i < ${TRANSACTIONS}; i++) await transact(i);
  const after = {};
  for (const name of Object.keys(requests)) after[name] = requests[name] - (first[name] || 0);
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
  process.stdout.write(JSON.stringify({ installed, first, after, values, committed: partitions[0].offset }));
})();
`;

test('once the first transaction has found its coordinators, the next ones look neither up again', async () => {
  const { stdout } = await run(process.execPath, ['-e', script], {
    cwd: repoRoot,
    env: { ...process.env, KAFKA_BROKERS: endpoints().kafkaBrokers },
    timeout: 60_000,
  });
  const { installed, first, after, values, committed } = JSON.parse(stdout) as {
    installed: boolean;
    first: Record<string, number>;
    after: Record<string, number>;
    values: string[];
    committed: string;
  };
  expect(installed).toBe(true);
  // The transaction's coordinator and the group's, each found at least once (more when the broker was not ready).
  expect(first.GroupCoordinator).toBeGreaterThanOrEqual(2);
  // Where kafkajs looks both up again in every transaction, four lookups each.
  expect(after.EndTxn).toBe(TRANSACTIONS - 1);
  expect(after.TxnOffsetCommit).toBe(TRANSACTIONS - 1);
  expect(after.GroupCoordinator ?? 0).toBe(0);
  expect(values).toEqual(Array.from({ length: TRANSACTIONS }, (_, i) => `v${i}`));
  expect(committed).toBe(String(TRANSACTIONS));
});
