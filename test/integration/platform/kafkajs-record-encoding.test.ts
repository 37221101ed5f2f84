// The services' kafkajs client writes produce requests in one pass, checksums record batches with crc-32 and encodes
// everything else with buffers it does not zero-fill (services/platform/kafka/kafkajs-produce-request.ts and
// kafkajs-record-encoding.ts). In a child process, as the services run (the replacements are process-wide): they are
// in place, and records of many sizes, headers and timestamps, some in one transaction and some one by one, reach the
// broker (which checks each batch's checksum) and come back byte for byte.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '../../harness/infrastructure';
import { endpoints } from '../../harness/namespace';

const run = promisify(execFile);
const kafkaDir = path.join(repoRoot, 'dist/services/platform/kafka');

const script = `
const { createHash } = require('node:crypto');
const client = require(${JSON.stringify(path.join(kafkaDir, 'kafka-client.js'))});
const encoding = require(${JSON.stringify(path.join(kafkaDir, 'kafkajs-record-encoding.js'))});
const produce = require(${JSON.stringify(path.join(kafkaDir, 'kafkajs-produce-request.js'))});
const quiet = { child: () => quiet, error() {}, warn() {}, info() {}, debug() {} };
const kafka = client.kafkajsClient({ clientId: 'encoding-check', brokers: process.env.KAFKA_BROKERS.split(',') }, quiet);
const installed = encoding.recordEncodingInstalled &&
  require('kafkajs/src/protocol/encoder') === encoding.UnfilledEncoder &&
  require('kafkajs/src/protocol/recordBatch/crc32C') === encoding.recordBatchCrc32c &&
  produce.produceRequestInstalled &&
  require('kafkajs/src/protocol/requests/produce/v3/request') === produce.produceRequest &&
  require('kafkajs/src/protocol/request') === produce.requestFrame;
const sizes = [0, 1, 100, 511, 512, 513, 2000, 4095, 4096, 4097, 9000, 20000];
const messages = sizes.map((size, i) => ({
  key: 'k' + i,
  value: Buffer.from(Array.from({ length: size }, (_, j) => (i * 31 + j * 7) % 251)),
  headers: { size: String(size), seen: i % 2 === 0 ? ['once', Buffer.from([i])] : 'never' },
  ...(i % 3 === 0 ? { timestamp: String(1_764_000_000_000 + i) } : {}),
}));
const digest = (value) => createHash('sha256').update(value).digest('hex');
(async () => {
  const topic = 'encoding-check-' + process.pid + '-' + Date.now();
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
  const transactional = kafka.producer({ transactionalId: topic + '-tx', idempotent: true, maxInFlightRequests: 1 });
  await transactional.connect();
  const transaction = await transactional.transaction();
  await transaction.send({ topic, messages });
  await transaction.commit();
  const plain = kafka.producer();
  await plain.connect();
  for (const message of messages) await plain.send({ topic, messages: [message] });
  const consumer = kafka.consumer({ groupId: topic + '-readers', maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const seen = [];
  await new Promise((resolve) =>
    consumer.run({
      eachMessage: async ({ message }) => {
        const { size, seen: marks } = message.headers;
        const at = Number(message.key.toString().slice(1)) % 3 === 0 ? message.timestamp : null;
        seen.push([message.key.toString(), size.toString(), [marks].flat().map(String), at, digest(message.value)]);
        if (seen.length === 2 * messages.length) resolve();
      },
    }),
  );
  await consumer.disconnect();
  await Promise.all([transactional.disconnect(), plain.disconnect()]);
  await admin.deleteGroups([topic + '-readers']).catch(() => undefined);
  await admin.deleteTopics({ topics: [topic] });
  await admin.disconnect();
  const sent = messages.map((m) => [
    m.key,
    m.headers.size,
    [m.headers.seen].flat().map(String),
    m.timestamp ?? null,
    digest(m.value),
  ]);
  process.stdout.write(JSON.stringify({ installed, seen, sent: [...sent, ...sent] }));
})();
`;

test('records of every size written with the replaced encoding come back as they were sent', async () => {
  const { stdout } = await run(process.execPath, ['-e', script], {
    cwd: repoRoot,
    env: { ...process.env, KAFKA_BROKERS: endpoints().kafkaBrokers },
    timeout: 60_000,
  });
  const { installed, seen, sent } = JSON.parse(stdout) as {
    installed: boolean;
    seen: unknown;
    sent: unknown;
  };
  expect(installed).toBe(true);
  expect(seen).toEqual(sent);
});
