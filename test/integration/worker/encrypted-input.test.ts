// Task inputs with encrypted sensitive fields, against the real stack with a KEK file: the handler gets them
// decrypted with the instance's key from the keys topic, `[erased]` once the key is tombstoned, and a retryable
// failure while no key is known; nothing decrypted is kept in Redis.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { Partitioners, type Producer } from 'kafkajs';
import { z } from 'zod';
import { ERASED } from '../../../services/core';
import { generateKekLine, type DataKeys } from '../../../services/platform/crypto';
import type { CryptoRuntime } from '../../../services/platform/crypto/crypto-runtime';
import { protect } from '../../../services/platform/crypto/sensitive-leaves';
import { createLogger } from '../../../services/platform/logging/logger';
import {
  createWorker,
  RedisResultStore,
  startWorkerCrypto,
  taskHandler,
  type Worker,
} from '../../../services/worker';
import { eventually } from '../../harness/eventually';
import { endpoints, testNamespace } from '../../harness/namespace';
import { retryOf, TaskBus, taskRequest } from './task-bus';

jest.setTimeout(60_000);

const CARD = '4111111111111111';
const EMAIL = 'ada@example.com';
const input = { orderId: 'o-1', customer: { email: EMAIL }, payment: { cardNumber: CARD } };
const leaves = new Set(['email', 'cardNumber']);

const ns = testNamespace('worker-crypto');
const redis = new Redis(endpoints().redisUrl, { lazyConnect: true, maxRetriesPerRequest: 3 });
const logger = createLogger('silent');
/** What each run's handler was given, by run id. */
const seen = new Map<string, unknown>();
let dir: string;
let bus: TaskBus;
let crypto: CryptoRuntime;
let producer: Producer;
let worker: Worker;

const handlers = {
  charge: taskHandler(
    z.object({
      orderId: z.string(),
      customer: z.object({ email: z.string() }),
      payment: z.object({ cardNumber: z.string() }),
    }),
    async (received, ctx) => {
      seen.set(ctx.runId, received);
      return { charged: received.orderId };
    },
  ),
};

beforeAll(async () => {
  await redis.connect();
  dir = await mkdtemp(join(tmpdir(), 'statewright-kek-'));
  const kekFile = join(dir, 'kek');
  await writeFile(kekFile, `${generateKekLine('kek-test')}\n`, { mode: 0o600 });
  bus = await TaskBus.open(endpoints(), ns);
  const started = await startWorkerCrypto({
    settings: { kekFile },
    log: bus.log,
    redis,
    topicPrefix: ns.prefix,
    redisPrefix: ns.redisPrefix,
    groupId: ns.groupId,
    logger,
  });
  if (started === undefined) throw new Error('a KEK file was given, so the worker must have keys');
  crypto = started;
  producer = bus.kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  worker = createWorker({
    log: bus.log,
    codec: bus.codec,
    results: new RedisResultStore(redis, { redisPrefix: ns.redisPrefix }),
    topics: bus.topics,
    groupId: ns.groupId,
    name: 'crypto-worker',
    logger,
    handlers,
    keys: crypto,
    keyWaitMs: 1_000,
  });
  await worker.start();
});

afterAll(async () => {
  await worker?.stop();
  await crypto?.stop();
  await producer?.disconnect();
  await bus?.close();
  const keys = await redis.keys(`${ns.redisPrefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
  await rm(dir, { recursive: true, force: true });
});

/** Creates the instance's data key as the orchestrator would, on the keys topic; returns the plaintext key. */
async function createKey(keys: DataKeys, correlationId: string): Promise<Buffer> {
  const { dataKey, message } = await keys.newDataKey(correlationId);
  await producer.send({ topic: bus.topics.keys, acks: -1, messages: [message] });
  return dataKey;
}

const sealed = (correlationId: string, dataKey: Buffer) =>
  protect(input, leaves, { dataKey, aad: correlationId });

/** Every string value under the namespace's Redis keys, hashes included. */
async function redisValues(): Promise<string[]> {
  const values: string[] = [];
  for (const key of await redis.keys(`${ns.redisPrefix}:*`)) {
    const type = await redis.type(key);
    if (type === 'string') values.push((await redis.get(key)) ?? '');
    if (type === 'hash') values.push(...Object.values(await redis.hgetall(key)));
  }
  return values;
}

test('a task whose input carries tokens reaches its handler decrypted, and Redis keeps nothing decrypted', async () => {
  const task = taskRequest('charge', {});
  const dataKey = await createKey(crypto.keys, task.correlationId);
  const encrypted = { ...task, input: JSON.stringify(sealed(task.correlationId, dataKey)) };
  expect(encrypted.input).not.toContain(EMAIL);
  await bus.publish([encrypted]);
  const [result] = await bus.resultsOf(task.runId);
  expect(result!.command.outcome).toEqual({ kind: 'succeeded', output: { charged: 'o-1' } });
  expect(seen.get(task.runId)).toEqual(input);
  const stored = await redisValues();
  expect(stored.length).toBeGreaterThan(0);
  for (const value of stored) {
    expect(value).not.toContain(EMAIL);
    expect(value).not.toContain(CARD);
  }
});

test('after a tombstone the handler sees [erased] where the sensitive values were', async () => {
  const task = taskRequest('charge', {});
  const dataKey = await createKey(crypto.keys, task.correlationId);
  await producer.send({
    topic: bus.topics.keys,
    acks: -1,
    messages: [crypto.keys.tombstone(task.correlationId)],
  });
  await eventually(
    'the worker to read the tombstone',
    () => crypto.table.lookup(task.correlationId)?.kind === 'erased',
  );
  await bus.publish([{ ...task, input: JSON.stringify(sealed(task.correlationId, dataKey)) }]);
  const [result] = await bus.resultsOf(task.runId);
  expect(result!.command.outcome).toMatchObject({ kind: 'succeeded' });
  expect(seen.get(task.runId)).toEqual({
    orderId: 'o-1',
    customer: { email: ERASED },
    payment: { cardNumber: ERASED },
  });
});

test('without a key the attempt fails retryably (key-unavailable), and a later attempt runs once the key is there', async () => {
  const task = taskRequest('charge', {});
  const { dataKey, message } = await crypto.keys.newDataKey(task.correlationId);
  const encrypted = { ...task, input: JSON.stringify(sealed(task.correlationId, dataKey)) };
  await bus.publish([encrypted]);
  const [refused] = await bus.resultsOf(task.runId);
  expect(refused!.command.outcome).toMatchObject({ kind: 'retryable', error: { code: 'key-unavailable' } });
  expect(seen.has(task.runId)).toBe(false);

  await producer.send({ topic: bus.topics.keys, acks: -1, messages: [message] });
  const again = retryOf(encrypted, 2);
  await bus.publish([again]);
  const [result] = await bus.resultsOf(again.runId);
  expect(result!.command.outcome).toMatchObject({ kind: 'succeeded' });
  expect(seen.get(again.runId)).toEqual(input);
});
