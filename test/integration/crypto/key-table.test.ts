// The keys topic against real Kafka and Redis: the table reads committed keys and tombstones, and DataKeys
// answers from Redis or from the table, so losing Redis never makes a key unreadable and never undoes an erasure.
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { ConfigResourceTypes, Kafka, logLevel, type Message } from 'kafkajs';
import {
  DataKeys,
  dataKeysRedisKey,
  FileKeyEncryptionKey,
  generateKekLine,
  KEYS_TOPIC_CONFIG_ENTRIES,
  KeyTable,
  KeyTableError,
} from '../../../services/platform/crypto';
import { createLogger } from '../../../services/platform/logging/logger';
import { eventually } from '../../harness/eventually';
import { endpoints, testNamespace } from '../../harness/namespace';
import { kafkajsLogClient } from '../../../services/platform/kafka/kafka-client';

jest.setTimeout(60_000);

const { kafkaBrokers, redisUrl } = endpoints();
const ns = testNamespace('crypto-keys');
const topic = `${ns.prefix}.keys`;
const logger = createLogger('silent');
const kek = FileKeyEncryptionKey.parse(generateKekLine('kek-1'), 'generated');
const kafka = new Kafka({
  brokers: [kafkaBrokers],
  clientId: ns.prefix,
  logLevel: logLevel.NOTHING,
  retry: { initialRetryTime: 25, retries: 8 },
});
const admin = kafka.admin();
const producer = kafka.producer({
  transactionalId: `${ns.prefix}.keys-writer`,
  idempotent: true,
  maxInFlightRequests: 1,
});
const redis = new Redis(redisUrl, { maxRetriesPerRequest: 3 });
const tables: KeyTable[] = [];

async function produce(outcome: 'commit' | 'abort', ...messages: Message[]): Promise<void> {
  const transaction = await producer.transaction();
  await transaction.send({ topic, messages });
  await (outcome === 'commit' ? transaction.commit() : transaction.abort());
}

async function startTable(): Promise<KeyTable> {
  const table = await KeyTable.start({
    log: kafkajsLogClient(kafka),
    topic,
    logger,
    groupIdPrefix: ns.groupId,
    maxWaitTimeInMs: 100,
  });
  tables.push(table);
  await table.ready();
  return table;
}

const dataKeysOver = (table: KeyTable, cache: Redis | undefined = redis) =>
  new DataKeys({ kek, table, logger, redis: cache, redisPrefix: ns.redisPrefix, topicPrefix: ns.prefix });

/** Some data keys, made by a writer that shares nothing with the readers under test. */
const writer = new DataKeys({
  kek,
  table: { lookup: () => undefined },
  logger,
  redis,
  redisPrefix: ns.redisPrefix,
  topicPrefix: ns.prefix,
});

beforeAll(async () => {
  await admin.connect();
  await admin.createTopics({
    topics: [{ topic, numPartitions: 2, configEntries: [...KEYS_TOPIC_CONFIG_ENTRIES] }],
    waitForLeaders: true,
  });
  await producer.connect();
});

afterAll(async () => {
  await Promise.allSettled(tables.map((table) => table.stop()));
  await producer.disconnect();
  await admin.deleteTopics({ topics: [topic] });
  await admin.disconnect();
  await redis.del(dataKeysRedisKey(ns.redisPrefix, ns.prefix));
  redis.disconnect();
});

test('the keys topic is compacted and keeps tombstones', async () => {
  const { resources } = await admin.describeConfigs({
    resources: [
      {
        type: ConfigResourceTypes.TOPIC,
        name: topic,
        configNames: ['cleanup.policy', 'delete.retention.ms'],
      },
    ],
    includeSynonyms: false,
  });
  const config = Object.fromEntries(
    resources[0]!.configEntries.map((entry) => [entry.configName, entry.configValue]),
  );
  expect(config['cleanup.policy']).toBe('compact');
  expect(Number(config['delete.retention.ms'])).toBeGreaterThan(365 * 24 * 3_600_000);
});

test('a table is ready with the keys committed before it started, ignores aborted ones, and follows new ones', async () => {
  const first = await writer.newDataKey('order-1');
  await produce('commit', first.message);
  await produce('abort', (await writer.newDataKey('order-aborted')).message);
  const table = await startTable();
  expect(table.lookup('order-1')).toEqual({ kind: 'key', ...first.record });
  expect(table.lookup('order-aborted')).toBeUndefined();

  const second = await writer.newDataKey('order-2');
  const seen = table.waitFor('order-2', 10_000);
  await produce('commit', second.message);
  expect(await seen).toEqual({ kind: 'key', ...second.record });
  expect(await table.waitFor('order-never', 200)).toBeUndefined();
});

test('a tombstone makes an instance erased, and a table started afterwards remembers it', async () => {
  await produce('commit', (await writer.newDataKey('order-5')).message);
  const table = await startTable();
  expect(table.lookup('order-5')?.kind).toBe('key');
  await produce('commit', writer.tombstone('order-5'));
  await eventually('the tombstone of order-5', () => table.lookup('order-5')?.kind === 'erased');
  const later = await startTable();
  expect(later.lookup('order-5')).toEqual({ kind: 'erased' });
});

test('DataKeys resolves from Redis a key the table has not read, and from the table once Redis lost it', async () => {
  const table = await startTable();
  const { dataKey, record, message } = await writer.newDataKey('order-3');
  await writer.remember('order-3', record, dataKey);
  const cached = await redis.hget(dataKeysRedisKey(ns.redisPrefix, ns.prefix), 'order-3');
  expect(cached).not.toContain(dataKey.toString('base64'));
  expect(await dataKeysOver(table).resolve('order-3')).toEqual(dataKey);

  const seen = table.waitFor('order-3', 10_000);
  await produce('commit', message);
  await seen;
  await redis.del(dataKeysRedisKey(ns.redisPrefix, ns.prefix));
  expect(await dataKeysOver(table).resolve('order-3')).toEqual(dataKey);
  expect(await dataKeysOver(table).resolve('order-unknown')).toBeUndefined();
});

test('with Redis unreachable DataKeys resolves from the table', async () => {
  const table = await startTable();
  const { dataKey, message } = await writer.newDataKey('order-6');
  const seen = table.waitFor('order-6', 10_000);
  await produce('commit', message);
  await seen;
  const unreachable = new Redis(await closedPort(), '127.0.0.1', {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  try {
    expect(await dataKeysOver(table, unreachable).resolve('order-6')).toEqual(dataKey);
  } finally {
    unreachable.disconnect();
  }
});

test('after a tombstone a stale Redis entry and a warm memory cache still resolve as erased', async () => {
  const table = await startTable();
  const keys = dataKeysOver(table);
  const { dataKey, record, message } = await writer.newDataKey('order-4');
  await produce('commit', message);
  await keys.remember('order-4', record, dataKey);
  expect(await keys.resolve('order-4')).toEqual(dataKey);

  await produce('commit', keys.tombstone('order-4'));
  await eventually('the tombstone of order-4', () => table.lookup('order-4')?.kind === 'erased');
  const hash = dataKeysRedisKey(ns.redisPrefix, ns.prefix);
  expect(await redis.hexists(hash, 'order-4')).toBe(1);
  expect(await keys.resolve('order-4')).toBe('erased');
  expect(await dataKeysOver(table).resolve('order-4')).toBe('erased');

  await keys.forget('order-4');
  expect(await redis.hexists(hash, 'order-4')).toBe(0);
  expect(await dataKeysOver(table).resolve('order-4')).toBe('erased');
});

test('a stopped table leaves no consumer group behind and answers no more waits', async () => {
  const table = await startTable();
  await table.stop();
  const { groups } = await admin.listGroups();
  expect(groups.map((group) => group.groupId)).not.toContain(table.groupId);
  expect(await table.waitFor('order-never', 10_000)).toBeUndefined();
});

test('a table over a topic that does not exist fails to start with a retriable KeyTableError', async () => {
  const impatient = new Kafka({
    brokers: [kafkaBrokers],
    clientId: ns.prefix,
    logLevel: logLevel.NOTHING,
    retry: { initialRetryTime: 25, retries: 1 },
  });
  const failure = await KeyTable.start({
    log: kafkajsLogClient(impatient),
    topic: `${ns.prefix}.missing`,
    logger,
  }).catch((error: unknown) => error);
  expect(failure).toBeInstanceOf(KeyTableError);
  expect(failure).toMatchObject({ code: 'key-table-unavailable', retriable: true });
});

/** A port nothing listens on: taken from the OS, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
