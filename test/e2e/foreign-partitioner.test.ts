// Producers with other partitioners: order-saga starts written by kcat (librdkafka's default partitioner,
// CRC32) and by a client that picks random partitions complete exactly like the gateway's, timers, retries and
// task results included. A start found on a partition that does not own its key is forwarded to the owner once.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import Redis from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import type { JsonValue } from '../../services/core';
import { toCommandEnvelope } from '../../services/platform/codec/command-envelope';
import { EnvelopeCodec } from '../../services/platform/codec/envelope-codec';
import { commandPartition } from '../../services/platform/kafka/command-partition';
import { topicNames } from '../../services/platform/kafka/topic-names';
import { FORWARDED_FROM } from '../../services/orchestrator/batch/command-routing';
import { eventually } from '../harness/eventually';
import { freePort } from '../harness/free-port';
import { repoRoot } from '../harness/infrastructure';
import { endpoints, testNamespace } from '../harness/namespace';
import { startOrder } from '../harness/order-commands';
import { ProcessFleet } from '../harness/process-fleet';
import { EXAMPLE_MODULES } from '../harness/examples';

const run = promisify(execFile);
const ns = testNamespace('routing');
const topics = topicNames(ns.prefix);
const PARTITIONS = 3;
const { kafkaBrokers, schemaRegistryUrl, redisUrl } = endpoints();
const redis = new Redis(redisUrl);
const kafka = new Kafka({ brokers: kafkaBrokers.split(','), logLevel: logLevel.NOTHING });
const workdir = mkdtempSync(path.join(os.tmpdir(), 'statewright-routing-'));
let gateway = '';
let fleet: ProcessFleet;
let codec: EnvelopeCodec;

/** Four paths of the saga: a plain order, a flaky payment (two retries), a lost parcel (timeout), no stock. */
const PATHS = [
  { name: 'plain', status: 'completed', charges: '1' },
  { name: 'FLAKY', status: 'completed', charges: '1' },
  { name: 'lost', status: 'timed_out', charges: '1' },
  { name: 'stock', status: 'compensated', charges: null },
] as const;

const orderInput = (id: string, path: (typeof PATHS)[number]): JsonValue => ({
  orderId: id,
  customer: { id: `customer-${id}`, email: `${id}@example.com` },
  items: [{ sku: path.name === 'stock' ? 'OUT-OF-STOCK' : 'SKU-1', quantity: 1 }],
  amount: 25,
  payment: { cardNumber: '4111111111111111' },
  address: path.name === 'lost' ? 'NEVER-SHIPS Road' : 'Main Street 1',
});

interface Planned {
  readonly id: string;
  readonly path: (typeof PATHS)[number];
}

const plan = (producer: string, count: number): Planned[] =>
  Array.from({ length: count }, (_, i) => {
    const orderPath = PATHS[i % PATHS.length]!;
    return { id: `${producer}-${orderPath.name}-${i}`, path: orderPath };
  });

const encodedStart = ({ id, path: orderPath }: Planned): Buffer =>
  codec.encode('command', toCommandEnvelope(startOrder(id, orderInput(id, orderPath))));

/** One kcat process per record: each file argument is one message, placed by librdkafka's default partitioner. */
async function produceWithKcat(orders: readonly Planned[]): Promise<void> {
  for (const order of orders) {
    const file = path.join(workdir, `${order.id}.avro`);
    writeFileSync(file, encodedStart(order));
    await run('kcat', ['-P', '-b', kafkaBrokers, '-t', topics.commands, '-k', order.id, file]);
  }
}

async function produceToRandomPartitions(orders: readonly Planned[]): Promise<void> {
  const producer = kafka.producer({ idempotent: true });
  await producer.connect();
  try {
    for (const order of orders) {
      const partition = Math.floor(Math.random() * PARTITIONS);
      await producer.send({
        topic: topics.commands,
        messages: [{ key: order.id, value: encodedStart(order), partition }],
      });
    }
  } finally {
    await producer.disconnect();
  }
}

const finished = (id: string) =>
  eventually(
    `${id} to finish`,
    async () => {
      const response = await fetch(`${gateway}/instances/${id}`);
      if (response.status !== 200) return undefined;
      const found = (await response.json()) as { status: string };
      return found.status !== 'running' ? found : undefined;
    },
    { timeoutMs: 90_000, intervalMs: 200 },
  );

/** Every record of a topic, read_committed, as `partition \t key \t headers`. */
async function records(topic: string): Promise<string[][]> {
  const { stdout } = await run('kcat', [
    '-C',
    '-b',
    kafkaBrokers,
    '-t',
    topic,
    '-X',
    'isolation.level=read_committed',
    '-e',
    '-q',
    '-f',
    '%p\t%k\t%h\n',
  ]);
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split('\t'));
}

beforeAll(async () => {
  const port = await freePort();
  gateway = `http://127.0.0.1:${port}`;
  fleet = new ProcessFleet(path.join(repoRoot, 'test-results', 'e2e', ns.prefix), {
    ...EXAMPLE_MODULES,
    KAFKA_BROKERS: kafkaBrokers,
    SCHEMA_REGISTRY_URL: schemaRegistryUrl,
    REDIS_URL: redisUrl,
    STATEWRIGHT_PREFIX: ns.prefix,
    STATEWRIGHT_GROUP: ns.groupId,
    STATEWRIGHT_REDIS_PREFIX: ns.redisPrefix,
    STATEWRIGHT_PARTITIONS: String(PARTITIONS),
    ORDER_SHIPPING_TIMEOUT_MS: '2000',
    STATEWRIGHT_PROJECTION_GROUP: `${ns.groupId}.projection`,
    WORKER_GROUP: `${ns.groupId}.workers`,
    GATEWAY_PORT: String(port),
    METRICS_PORT: '0',
    WORKER_METRICS_PORT: '0',
  });
  const orchestrator = fleet.start('orchestrator', 'services/orchestrator/main.js');
  await fleet.waitForLine(orchestrator, /orchestrator ready/);
  fleet.start('workers', 'services/worker/main.js');
  fleet.start('gateway', 'services/gateway/main.js');
  codec = await EnvelopeCodec.connect({ registryUrl: schemaRegistryUrl, topics });
  await eventually(
    'the gateway to be ready',
    () =>
      fetch(`${gateway}/readyz`).then(
        (r) => r.ok,
        () => false,
      ),
    { timeoutMs: 60_000, intervalMs: 200 },
  );
}, 120_000);

afterAll(async () => {
  await fleet?.stopAll();
  const admin = kafka.admin();
  await admin.connect();
  const created = (await admin.listTopics()).filter((topic) => topic.startsWith(`${ns.prefix}.`));
  await admin.deleteTopics({ topics: created });
  await admin.disconnect();
  const keys = await redis.keys(`${ns.redisPrefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
  rmSync(workdir, { recursive: true, force: true });
});

test('starts from kcat and from random partitions finish like the gateway’s, each forwarded at most once', async () => {
  const fromKcat = plan('kcat', 12);
  const fromRandom = plan('random', 12);
  await produceWithKcat(fromKcat);
  await produceToRandomPartitions(fromRandom);

  for (const order of [...fromKcat, ...fromRandom]) {
    expect({ id: order.id, status: (await finished(order.id)).status }).toEqual({
      id: order.id,
      status: order.path.status,
    });
    // Out of stock races the payment authorised in parallel: charged and refunded, or never charged.
    if (order.path.charges !== null)
      expect(await redis.get(`${ns.redisPrefix}:effects:charge:${order.id}`)).toBe(order.path.charges);
  }

  expect(await records(topics.dlq)).toEqual([]);
  const commands = await records(topics.commands);
  const misplaced = commands.filter(
    ([partition, key, headers]) =>
      !headers!.includes(FORWARDED_FROM) && Number(partition) !== commandPartition(key!, PARTITIONS),
  );
  const forwarded = commands.filter(([, , headers]) => headers!.includes(FORWARDED_FROM));
  expect(misplaced.length).toBeGreaterThan(0);
  expect(forwarded.map(([, key]) => key).sort()).toEqual(misplaced.map(([, key]) => key).sort());
  for (const [partition, key] of forwarded)
    expect(Number(partition)).toBe(commandPartition(key!, PARTITIONS));
}, 180_000);
