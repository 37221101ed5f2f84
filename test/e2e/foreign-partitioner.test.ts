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
import { PARTITION_COMMAND_HEADER } from '../../services/platform/kafka/command-log';
import { FORWARDED_FROM } from '../../services/orchestrator/batch/command-routing';
import { freePort } from '../harness/free-port';
import { endpoints, testNamespace } from '../harness/namespace';
import { startOrder } from '../harness/order-commands';
import type { ProcessFleet } from '../harness/process-fleet';
import {
  exampleOrder,
  finishedInstance,
  fleetEnvironment,
  removeNamespaces,
  startExampleFleet,
} from '../harness/example-fleet';

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

const orderInput = (id: string, orderPath: (typeof PATHS)[number]): JsonValue =>
  exampleOrder(id, {
    sku: orderPath.name === 'stock' ? 'OUT-OF-STOCK' : 'SKU-1',
    address: orderPath.name === 'lost' ? 'NEVER-SHIPS Road' : 'Main Street 1',
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
  const env = fleetEnvironment(ns, {
    STATEWRIGHT_PARTITIONS: String(PARTITIONS),
    ORDER_SHIPPING_TIMEOUT_MS: '2000',
    GATEWAY_PORT: String(port),
  });
  fleet = await startExampleFleet('e2e', ns, gateway, env);
  codec = await EnvelopeCodec.connect({ registryUrl: schemaRegistryUrl, topics });
}, 120_000);

afterAll(async () => {
  await fleet?.stopAll();
  await removeNamespaces([ns]);
  await redis.quit();
  rmSync(workdir, { recursive: true, force: true });
});

test('starts from kcat and from random partitions finish like the gateway’s, each forwarded at most once', async () => {
  const fromKcat = plan('kcat', 12);
  const fromRandom = plan('random', 12);
  await produceWithKcat(fromKcat);
  await produceToRandomPartitions(fromRandom);

  for (const order of [...fromKcat, ...fromRandom]) {
    expect({ id: order.id, status: (await finishedInstance(gateway, order.id)).status }).toEqual({
      id: order.id,
      status: order.path.status,
    });
    // Out of stock races the payment authorised in parallel: charged and refunded, or never charged.
    if (order.path.charges !== null)
      expect(await redis.get(`${ns.redisPrefix}:effects:charge:${order.id}`)).toBe(order.path.charges);
  }

  expect(await records(topics.dlq)).toEqual([]);
  const commands = await records(topics.commands);
  // Partition commands (health from the workers' heartbeats) are written to every partition on purpose.
  const misplaced = commands.filter(
    ([partition, key, headers]) =>
      !headers!.includes(FORWARDED_FROM) &&
      !headers!.includes(PARTITION_COMMAND_HEADER) &&
      Number(partition) !== commandPartition(key!, PARTITIONS),
  );
  const forwarded = commands.filter(([, , headers]) => headers!.includes(FORWARDED_FROM));
  expect(misplaced.length).toBeGreaterThan(0);
  expect(forwarded.map(([, key]) => key).sort()).toEqual(misplaced.map(([, key]) => key).sort());
  for (const [partition, key] of forwarded)
    expect(Number(partition)).toBe(commandPartition(key!, PARTITIONS));
}, 180_000);
