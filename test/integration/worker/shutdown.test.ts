// Graceful shutdown against real Kafka: a handler running when stop() is called finishes, its result is published
// and its offset committed before the worker leaves; one that outlives the bound is left for the next owner.
import { Redis } from 'ioredis';
import { z } from 'zod';
import { createLogger } from '../../../services/platform/logging/logger';
import { createWorker, RedisResultStore, taskHandler, type Worker } from '../../../services/worker';
import { endpoints, testNamespace } from '../../harness/namespace';
import { gate } from './gate';
import { TaskBus, taskRequest } from './task-bus';

jest.setTimeout(30_000);

const ns = testNamespace('worker-stop');
const redis = new Redis(endpoints().redisUrl, { lazyConnect: true, maxRetriesPerRequest: 3 });
const started = gate();
const release = gate();
const stuckStarted = gate();
const stuckRelease = gate();
let bus: TaskBus;
const workers: Worker[] = [];

const workerOf = (groupId: string, shutdownTimeoutMs: number): Worker => {
  const worker = createWorker({
    log: bus.log,
    codec: bus.codec,
    results: new RedisResultStore(redis, { redisPrefix: ns.redisPrefix }),
    topics: bus.topics,
    groupId,
    name: 'stopping-worker',
    logger: createLogger(process.env.WORKER_TEST_LOG ?? 'silent'),
    shutdownTimeoutMs,
    handlers: {
      slow: taskHandler(z.object({}), async () => {
        started.open();
        await release.opened;
        return { finished: true };
      }),
      // Ignores its abort signal: only the shutdown bound can end the wait for it.
      stuck: taskHandler(z.object({}), async () => {
        stuckStarted.open();
        await stuckRelease.opened;
        return { finished: true };
      }),
    },
  });
  workers.push(worker);
  return worker;
};

async function committedOffset(groupId: string, partition: number): Promise<string | undefined> {
  const admin = bus.kafka.admin();
  await admin.connect();
  try {
    const [topic] = await admin.fetchOffsets({ groupId, topics: [bus.topics.tasks] });
    return topic?.partitions.find((entry) => entry.partition === partition)?.offset;
  } finally {
    await admin.disconnect();
  }
}

async function taskPartition(correlationId: string): Promise<{ partition: number; offset: string }> {
  const admin = bus.kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(bus.topics.tasks);
    const filled = offsets.filter((entry) => entry.high !== entry.low && entry.high !== '0');
    if (filled.length !== 1) throw new Error(`expected one filled partition for ${correlationId}`);
    return { partition: filled[0]!.partition, offset: (BigInt(filled[0]!.high) - 1n).toString() };
  } finally {
    await admin.disconnect();
  }
}

beforeAll(async () => {
  await redis.connect();
  bus = await TaskBus.open(endpoints(), ns);
});

afterAll(async () => {
  release.open();
  stuckRelease.open();
  for (const worker of workers) await worker.stop();
  await bus?.close();
  const keys = await redis.keys(`${ns.redisPrefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

test('stop() lets the in-flight handler finish, publishes its result and commits past it', async () => {
  const groupId = `${ns.groupId}-graceful`;
  const worker = workerOf(groupId, 20_000);
  await worker.start();
  const task = taskRequest('slow', {});
  await bus.publish([task]);
  await started.opened;
  const stopping = worker.stop();
  release.open();
  await stopping;
  const [result] = await bus.resultsOf(task.runId);
  expect(result!.command.outcome).toEqual({ kind: 'succeeded', output: { finished: true } });
  const { partition, offset } = await taskPartition(task.correlationId);
  expect(await committedOffset(groupId, partition)).toBe((BigInt(offset) + 1n).toString());
});

test('a handler that outlives the shutdown bound is neither answered nor committed, the record before it is', async () => {
  const groupId = `${ns.groupId}-bounded`;
  const worker = workerOf(groupId, 300);
  await worker.start();
  const task = taskRequest('stuck', {}, { correlationId: bus.received[0]!.command.correlationId, seq: 2 });
  await bus.publish([task]);
  await stuckStarted.opened;
  await worker.stop();
  const { partition, offset } = await taskPartition(task.correlationId);
  // The replayed task before it is committed; the commit stops at the stuck record, so it is read again.
  expect(await committedOffset(groupId, partition)).toBe(offset);
  expect(bus.received.filter((result) => result.command.runId === task.runId)).toEqual([]);
  expect(await redis.exists(`${ns.redisPrefix}:task-result:${task.taskId}`)).toBe(0);
});
