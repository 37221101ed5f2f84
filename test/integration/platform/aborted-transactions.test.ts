// A read_committed consumer of the services never hands out a record of an aborted transaction, even when its
// fetch starts after two producers' aborted transactions began: producer A writes a1 and producer B writes b1,
// both in transactions; A aborts and commits a2, B aborts, then c1 is written; a group whose position is b1's
// offset reads the topic. Plain kafkajs hands out b1; the services' client, whose filter replaces kafkajs',
// hands out the committed a2 and c1 only. Each runs in
// a child process of its own (the filter is process-wide), as the services run.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '../../harness/infrastructure';
import { endpoints } from '../../harness/namespace';

const run = promisify(execFile);

const script = (withFilter: boolean) => `
const quiet = { child: () => quiet, error() {}, warn() {}, info() {}, debug() {} };
const settings = { clientId: 'aborted-check', brokers: process.env.KAFKA_BROKERS.split(',') };
const kafka = ${withFilter}
  ? require(${JSON.stringify(path.join(repoRoot, 'dist/services/platform/kafka/kafka-client.js'))}).kafkajsClient(settings, quiet)
  : new (require('kafkajs').Kafka)({ ...settings, logLevel: 0 });
(async () => {
  const topic = 'aborted-check-' + process.pid + '-' + Date.now();
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
  const transactional = async (id) => {
    const producer = kafka.producer({ transactionalId: topic + '-' + id, idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    return producer;
  };
  const a = await transactional('a');
  const b = await transactional('b');
  const ta = await a.transaction();
  await ta.send({ topic, messages: [{ key: 'a1', value: 'a1' }] });
  const tb = await b.transaction();
  await tb.send({ topic, messages: [{ key: 'b1', value: 'b1' }] });
  await ta.abort();
  // A's next transaction commits only once its abort is complete, its marker written: A's abort is listed first.
  const ta2 = await a.transaction();
  await ta2.send({ topic, messages: [{ key: 'a2', value: 'a2' }] });
  await ta2.commit();
  await tb.abort();
  const plain = kafka.producer();
  await plain.connect();
  await plain.send({ topic, messages: [{ key: 'c1', value: 'c1' }] });
  const groupId = topic + '-readers';
  // b1 is at offset 1: a fetch from there is given both aborted transactions, A's begun before it.
  await admin.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: '1' }] });
  const [position] = await admin.fetchOffsets({ groupId, topics: [topic] });
  if (position.partitions[0].offset !== '1') throw new Error('the group starts at ' + position.partitions[0].offset);
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic });
  const seen = [];
  await new Promise((resolve) =>
    consumer.run({
      eachMessage: async ({ message }) => {
        seen.push(message.key.toString());
        if (message.key.toString() === 'c1') resolve();
      },
    }),
  );
  await consumer.disconnect();
  await Promise.all([a.disconnect(), b.disconnect(), plain.disconnect()]);
  await admin.deleteGroups([groupId]).catch(() => undefined);
  await admin.deleteTopics({ topics: [topic] });
  await admin.disconnect();
  process.stdout.write(JSON.stringify(seen));
})();
`;

async function readAfterAborts(withFilter: boolean): Promise<string[]> {
  const { stdout } = await run(process.execPath, ['-e', script(withFilter)], {
    cwd: repoRoot,
    env: { ...process.env, KAFKA_BROKERS: endpoints().kafkaBrokers },
    timeout: 60_000,
  });
  return JSON.parse(stdout) as string[];
}

test('plain kafkajs hands out the aborted record at the start of the fetch', async () => {
  expect(await readAfterAborts(false)).toEqual(['b1', 'a2', 'c1']);
});

test("the services' client hands out only the committed record", async () => {
  expect(await readAfterAborts(true)).toEqual(['a2', 'c1']);
});
