// Transactions of one producer begun right after the previous one committed, against the real broker. Its
// coordinator is still writing the previous transaction's markers then, and answers the first AddPartitionsToTxn
// CONCURRENT_TRANSACTIONS. The services' send asks again at once (services/platform/kafka/kafkajs-send-messages.ts):
// no transaction's send fails as a whole, which kafkajs follows with a metadata refresh and its retry time, and
// every transaction's record is there once.
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { consumeUntil } from '../../harness/consume';
import { endpoints, testNamespace } from '../../harness/namespace';

const { kafkaBrokers } = endpoints();
const ns = testNamespace('back-to-back');
const topic = `${ns.prefix}.out`;
const kafka = new Kafka({ brokers: [kafkaBrokers], clientId: ns.prefix, logLevel: logLevel.NOTHING });
const admin = kafka.admin();
/** Enough answers of CONCURRENT_TRANSACTIONS to have asked again several times; more than half the transactions meet one. */
const WANTED_RETRIES = 5;
const MAX_TRANSACTIONS = 500;

beforeAll(async () => {
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
});

afterAll(async () => {
  await admin.deleteTopics({ topics: [topic] });
  await admin.disconnect();
});

async function transact(producer: Producer, value: string): Promise<void> {
  const transaction = await producer.transaction();
  try {
    await transaction.send({ topic, messages: [{ key: 'k', value }] });
    await transaction.commit();
  } catch (error) {
    await transaction.abort().catch(() => undefined);
    throw error;
  }
}

test('a transaction begun while the last one is completing is not sent again as a whole', async () => {
  const producer = kafka.producer({
    transactionalId: `${ns.prefix}.tx`,
    idempotent: true,
    maxInFlightRequests: 1,
  });
  await producer.connect();
  const requests = new Map<string, number>();
  const count = (name: string) => requests.get(name) ?? 0;
  // The first transaction finds the coordinator and the topic's metadata; only the ones after it are counted.
  await transact(producer, 'v0');
  producer.on(producer.events.REQUEST, ({ payload }) => {
    requests.set(payload.apiName, count(payload.apiName) + 1);
  });
  let transactions = 0;
  while (transactions < MAX_TRANSACTIONS && count('AddPartitionsToTxn') - transactions < WANTED_RETRIES) {
    transactions += 1;
    await transact(producer, `v${transactions}`);
  }
  await producer.disconnect();

  expect(count('AddPartitionsToTxn') - transactions).toBeGreaterThanOrEqual(WANTED_RETRIES);
  expect(count('Produce')).toBe(transactions);
  expect(count('Metadata')).toBe(0);

  const read = await consumeUntil(kafka, topic, (messages) => messages.length >= transactions + 1);
  const values = read.map((message) => String(message.value));
  expect(values).toEqual(Array.from({ length: transactions + 1 }, (_, i) => `v${i}`));
});
