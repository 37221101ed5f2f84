// The worker SDK against real Kafka, registry and Redis: task requests in, task-result commands out, each parsed
// by the core; redelivery runs an effect once; errors are classified; unknown types are skipped.
import { Redis } from 'ioredis';
import { z } from 'zod';
import { createLogger } from '../../../services/platform/logging/logger';
import {
  AsyncCompletion,
  createWorker,
  RedisResultStore,
  FatalTaskError,
  RetryableTaskError,
  taskHandler,
  type Worker,
} from '../../../services/worker';
import { endpoints, testNamespace } from '../../harness/namespace';
import { retryOf, TaskBus, taskRequest } from './task-bus';

jest.setTimeout(60_000);

const ns = testNamespace('worker');
const redis = new Redis(endpoints().redisUrl, { lazyConnect: true, maxRetriesPerRequest: 3 });
const logger = createLogger('silent');
const effectKey = (taskId: string) => `${ns.redisPrefix}:effects:count:${taskId}`;
let bus: TaskBus;
let worker: Worker;

const handlers = {
  // Deliberately not idempotent itself: a second run would show as a count of 2.
  count: taskHandler(z.object({ n: z.number() }), async (input, ctx) => {
    const runs = await redis.incr(effectKey(ctx.taskId));
    return { doubled: input.n * 2, runs, kind: ctx.kind, workflow: ctx.workflow };
  }),
  busy: taskHandler(z.object({}), async () => {
    throw new RetryableTaskError('downstream busy', 'busy');
  }),
  refuse: taskHandler(z.object({}), async () => {
    throw new FatalTaskError('account closed', 'account-closed');
  }),
  crash: taskHandler(z.object({}), async () => {
    throw new TypeError('undefined is not a function');
  }),
  silent: taskHandler(z.object({}), async () => {
    throw new AsyncCompletion('answered by a callback');
  }),
};

beforeAll(async () => {
  await redis.connect();
  bus = await TaskBus.open(endpoints(), ns);
  worker = createWorker({
    log: bus.log,
    codec: bus.codec,
    results: new RedisResultStore(redis, { redisPrefix: ns.redisPrefix }),
    topics: bus.topics,
    groupId: ns.groupId,
    name: 'test-worker',
    logger,
    handlers,
    concurrency: 4,
  });
  await worker.start();
});

afterAll(async () => {
  await worker?.stop();
  await bus?.close();
  const keys = await redis.keys(`${ns.redisPrefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

test('a successful task is answered by one task-result whose commandId is the run id', async () => {
  const task = taskRequest('count', { n: 21 }, { kind: 'compensation', workflow: 'order-saga' });
  await bus.publish([task]);
  const [result] = await bus.resultsOf(task.runId);
  expect(result!.command).toMatchObject({
    type: 'task-result',
    commandId: task.runId,
    correlationId: task.correlationId,
    workflow: 'order-saga',
    actor: 'test-worker',
    taskId: task.taskId,
    runId: task.runId,
    outcome: {
      kind: 'succeeded',
      output: { doubled: 42, runs: 1, kind: 'compensation', workflow: 'order-saga' },
    },
  });
});

test('a task delivered again as a later attempt replays the kept result and runs its effect once', async () => {
  const first = taskRequest('count', { n: 5 });
  await bus.publish([first]);
  const [one] = await bus.resultsOf(first.runId);
  const second = retryOf(first, 2);
  await bus.publish([second]);
  const [two] = await bus.resultsOf(second.runId);
  expect(two!.command.commandId).toBe(second.runId);
  expect(two!.command.outcome).toEqual(one!.command.outcome);
  expect(await redis.get(effectKey(first.taskId))).toBe('1');
});

test('the same task record published twice runs its effect once and is answered twice alike', async () => {
  const task = taskRequest('count', { n: 7 });
  await bus.publish([task, task]);
  const results = await bus.resultsOf(task.runId, 2);
  expect(results.map((result) => result.command.outcome)).toEqual([
    { kind: 'succeeded', output: { doubled: 14, runs: 1, kind: 'action', workflow: 'test-flow' } },
    { kind: 'succeeded', output: { doubled: 14, runs: 1, kind: 'action', workflow: 'test-flow' } },
  ]);
  expect(await redis.get(effectKey(task.taskId))).toBe('1');
});

test('a RetryableTaskError is reported retryable with its code, and is not kept', async () => {
  const task = taskRequest('busy', {});
  await bus.publish([task]);
  const [result] = await bus.resultsOf(task.runId);
  expect(result!.command.outcome).toEqual({
    kind: 'retryable',
    error: { message: 'downstream busy', code: 'busy' },
  });
  expect(await redis.exists(`${ns.redisPrefix}:task-result:${task.taskId}`)).toBe(0);
});

test('a FatalTaskError is reported fatal and kept, so a later attempt gets the same answer', async () => {
  const task = taskRequest('refuse', {});
  await bus.publish([task]);
  const [first] = await bus.resultsOf(task.runId);
  expect(first!.command.outcome).toEqual({
    kind: 'fatal',
    error: { message: 'account closed', code: 'account-closed' },
  });
  const again = retryOf(task, 2);
  await bus.publish([again]);
  const [second] = await bus.resultsOf(again.runId);
  expect(second!.command.outcome).toEqual(first!.command.outcome);
});

test('any other error is retryable by default, with an unclassified code', async () => {
  const task = taskRequest('crash', {});
  await bus.publish([task]);
  const [result] = await bus.resultsOf(task.runId);
  expect(result!.command.outcome).toEqual({
    kind: 'retryable',
    error: { message: 'undefined is not a function', code: 'unclassified' },
  });
});

test('input that does not fit the handler schema is fatal invalid-input', async () => {
  const task = taskRequest('count', { n: 'seven' });
  await bus.publish([task]);
  const [result] = await bus.resultsOf(task.runId);
  expect(result!.command.outcome).toMatchObject({ kind: 'fatal', error: { code: 'invalid-input' } });
  expect(await redis.exists(effectKey(task.taskId))).toBe(0);
});

test('types without a handler and async completions get no answer; the records after them do', async () => {
  const correlationId = `order-skip-${ns.prefix}`;
  const foreign = taskRequest('send-email', {}, { correlationId, seq: 1 });
  const silent = taskRequest('silent', {}, { correlationId, seq: 2 });
  const after = taskRequest('count', { n: 1 }, { correlationId, seq: 3 });
  await bus.publish([foreign, silent, after]);
  await bus.resultsOf(after.runId);
  const answered = bus.received.filter((result) => result.command.correlationId === correlationId);
  expect(answered.map((result) => result.command.runId)).toEqual([after.runId]);
});

test('the traceparent and tracestate headers of a task travel to its result', async () => {
  const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
  const task = taskRequest('count', { n: 3 });
  await bus.publish([task], { traceparent, tracestate: 'vendor=1', unrelated: 'x' });
  const [result] = await bus.resultsOf(task.runId);
  expect(result!.headers.traceparent?.toString()).toBe(traceparent);
  expect(result!.headers.tracestate?.toString()).toBe('vendor=1');
  expect(result!.headers.unrelated).toBeUndefined();
});
