// The Kafka adapters ride out a broker that misbehaves for a while. The clients under test reach the broker through
// a TCP proxy (the broker's proxied listener advertises the proxy's port), so the faults touch them only.
// - A consumer: kafkajs gives up on it for good when it cannot find its group coordinator, which is what a broker
//   restarting or loading its coordinator's partitions answers; the adapter starts it again. The proxy refuses
//   FindCoordinator requests while a second member joins the group, so that the first must find its coordinator
//   again, until kafkajs has given up at least once.
// - A transactional sink: a transaction that cannot finish (every byte stalled) fails once the broker's transaction
//   timeout has passed, instead of waiting for ever, and a new producer with the same id takes over.
import { Kafka, logLevel } from 'kafkajs';
import { kafkajsLogClient } from '../../../services/platform/kafka/kafka-client';
import type { LogConsumer } from '../../../services/platform/kafka/log-consumer';
import { TransactionError } from '../../../services/platform/kafka/transaction-error';
import { TransactionalProducer } from '../../../services/platform/kafka/transactional-producer';
import { createLogger } from '../../../services/platform/logging/logger';
import { readTopicToEnd } from '../../harness/topic-reader';
import { eventually } from '../../harness/eventually';
import { endpoints, testNamespace } from '../../harness/namespace';
import { TcpProxy } from '../../harness/tcp-proxy';

/** The single broker's proxied listener is KAFKA_PORT + 10, advertised as KAFKA_PORT + 11 (stack.sh). */
const brokerPort = Number(endpoints().kafkaBrokers.split(',')[0]!.split(':').at(-1));
/** The FindCoordinator request's api key in the Kafka protocol. */
const FIND_COORDINATOR = 10;
const ns = testNamespace('broker-faults');
const topic = `${ns.prefix}.records`;
const direct = new Kafka({ brokers: endpoints().kafkaBrokers.split(','), logLevel: logLevel.NOTHING });

let proxy: TcpProxy;
let consumer: LogConsumer | undefined;
const sinks: TransactionalProducer[] = [];
const throughProxy = () =>
  new Kafka({
    brokers: [`127.0.0.1:${brokerPort + 11}`],
    logLevel: logLevel.NOTHING,
    retry: { initialRetryTime: 50, retries: 2 },
  });

beforeAll(async () => {
  const admin = direct.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
  await admin.disconnect();
  proxy = await TcpProxy.start('127.0.0.1', brokerPort + 10, brokerPort + 11);
});

afterAll(async () => {
  proxy.resume();
  await consumer?.disconnect();
  await Promise.allSettled(sinks.map((sink) => sink.disconnect()));
  await proxy.close();
  const admin = direct.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [topic] }).finally(() => admin.disconnect());
});

async function produce(value: string): Promise<void> {
  const producer = direct.producer();
  await producer.connect();
  await producer.send({ topic, messages: [{ value }] }).finally(() => producer.disconnect());
}

test('a consumer that kafkajs stopped for want of a group coordinator reads again once the broker is back', async () => {
  consumer = kafkajsLogClient(throughProxy()).consumer({
    groupId: `${ns.prefix}-group`,
    readUncommitted: false,
    maxWaitTimeInMs: 100,
  });
  const read: string[] = [];
  const crashes: { message: string; restart: boolean }[] = [];
  consumer.onCrash(({ error, restart }) => crashes.push({ message: error.message, restart }));
  const lostCoordinator = () => crashes.filter(({ message }) => message.includes('find group coordinator'));
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachBatch: async ({ batch, resolveOffset }) => {
      for (const record of batch.records) {
        read.push(record.value?.toString('utf8') ?? '');
        resolveOffset(record.offset);
      }
    },
  });
  await produce('before');
  await eventually('the first record to be read', () => read.includes('before'), { timeoutMs: 60_000 });

  proxy.refusedApiKeys.add(FIND_COORDINATOR);
  const second = direct.consumer({ groupId: `${ns.prefix}-group`, maxWaitTimeInMs: 100 });
  await second.connect();
  await second.subscribe({ topic, fromBeginning: true });
  await second.run({ eachBatch: async () => undefined });
  await eventually(
    'kafkajs to give up on the consumer: its group coordinator cannot be found',
    () => lostCoordinator().length > 0,
    { timeoutMs: 120_000, intervalMs: 200 },
  );
  await second.disconnect();
  // The port says the consumer starts again: the adapter restarts what kafkajs gave up on.
  expect(lostCoordinator().every(({ restart }) => restart)).toBe(true);

  proxy.refusedApiKeys.delete(FIND_COORDINATOR);
  await produce('after');
  await eventually('the record produced after the outage to be read', () => read.includes('after'), {
    timeoutMs: 120_000,
  });
}, 300_000);

test('a transaction that cannot finish fails after the transaction timeout, and a new producer takes over', async () => {
  const logger = createLogger('silent');
  const transactionalId = `${ns.prefix}-sink`;
  const stuck = new TransactionalProducer(throughProxy(), transactionalId, logger, {
    transactionTimeoutMs: 2_000,
  });
  sinks.push(stuck);
  await stuck.connect();
  const record = (value: string) => [{ topic, records: [{ key: null, value: Buffer.from(value) }] }];

  proxy.stall();
  const failure = await stuck.commit(record('stalled')).then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(failure).toBeInstanceOf(TransactionError);
  expect(String(failure)).toContain('did not finish within 7000 ms');
  proxy.resume();

  const next = new TransactionalProducer(direct, transactionalId, logger);
  sinks.push(next);
  await next.connect();
  await next.commit(record('taken over'));
  // The commit returns once the coordinator has decided; the partition's commit marker, which makes the record
  // readable to a read-committed reader, follows (slowly on a freshly started broker).
  const committed = async () =>
    (await readTopicToEnd(direct, topic)).get(0)!.map((message) => message.value?.toString('utf8'));
  await eventually("the new producer's record to be readable as committed", async () =>
    (await committed()).includes('taken over'),
  );
}, 120_000);
