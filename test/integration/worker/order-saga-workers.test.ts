// The order saga's example workers on the real stack: out-of-stock is fatal, a flaky payment retries and charges
// once however often its task is delivered, a silent carrier never answers, compensations count their effects.
import { Redis } from 'ioredis';
import { benchFlowHandlers } from '../../../examples/bench-flow/workers';
import { EffectCounter, orderSagaHandlers } from '../../../examples/order-saga/workers';
import { createLogger } from '../../../services/platform/logging/logger';
import { createWorker, RedisResultStore, type Worker } from '../../../services/worker';
import { endpoints, testNamespace } from '../../harness/namespace';
import { retryOf, TaskBus, taskRequest } from './task-bus';

jest.setTimeout(30_000);

const ns = testNamespace('order-workers');
const redis = new Redis(endpoints().redisUrl, { lazyConnect: true, maxRetriesPerRequest: 3 });
const effects = new EffectCounter(redis, ns.redisPrefix);
let bus: TaskBus;
let worker: Worker;

const items = [{ sku: 'BOOK-1', quantity: 2 }];

beforeAll(async () => {
  await redis.connect();
  bus = await TaskBus.open(endpoints(), ns);
  worker = createWorker({
    log: bus.log,
    codec: bus.codec,
    results: new RedisResultStore(redis, { redisPrefix: ns.redisPrefix }),
    topics: bus.topics,
    groupId: ns.groupId,
    name: 'order-workers',
    logger: createLogger('silent'),
    handlers: { ...orderSagaHandlers(redis, ns.redisPrefix), ...benchFlowHandlers() },
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

test('reserving an out-of-stock SKU fails fatally and reserves nothing', async () => {
  const task = taskRequest('reserve-inventory', {
    orderId: 'o-oos',
    items: [...items, { sku: 'OUT-OF-STOCK', quantity: 1 }],
  });
  await bus.publish([task]);
  const [result] = await bus.resultsOf(task.runId);
  expect(result!.command.outcome).toMatchObject({ kind: 'fatal', error: { code: 'out-of-stock' } });
  expect(await effects.read('reserve', task.correlationId)).toBe(0);
});

test('a flaky payment fails retryably twice, then charges once however often attempt 3 is delivered', async () => {
  const first = taskRequest('authorize-payment', { orderId: 'o-FLAKY-1', amount: 40, cardNumber: '4242' });
  const attempts = [first, retryOf(first, 2), retryOf(first, 3)];
  for (const attempt of attempts.slice(0, 2)) {
    await bus.publish([attempt]);
    const [failed] = await bus.resultsOf(attempt.runId);
    expect(failed!.command.outcome).toMatchObject({
      kind: 'retryable',
      error: { code: 'payment-unavailable' },
    });
  }
  const third = attempts[2]!;
  await bus.publish([third, third, third, third, third]);
  const results = await bus.resultsOf(third.runId, 5);
  const expected = { kind: 'succeeded', output: { authorizationId: 'auth-o-FLAKY-1', amount: 40 } };
  expect(results.map((result) => result.command.outcome)).toEqual(Array(5).fill(expected));
  expect(await effects.read('charge', first.correlationId)).toBe(1);
});

test('a declined card is fatal with the code the saga treats as final', async () => {
  const task = taskRequest('authorize-payment', {
    orderId: 'o-dec',
    amount: 5,
    cardNumber: '4000000000000002',
  });
  await bus.publish([task]);
  const [result] = await bus.resultsOf(task.runId);
  expect(result!.command.outcome).toMatchObject({ kind: 'fatal', error: { code: 'card-declined' } });
});

test('a shipment to the silent marker is never answered; the next task of the order is', async () => {
  const ship = taskRequest('ship-order', {
    orderId: 'o-lost',
    address: '1 NEVER-SHIPS Rd',
    items,
    priority: false,
  });
  const { correlationId } = ship;
  const release = taskRequest(
    'release-inventory',
    { orderId: 'o-lost', reservationId: 'res-o-lost' },
    { correlationId, seq: 2, kind: 'compensation' },
  );
  await bus.publish([ship, release]);
  await bus.resultsOf(release.runId);
  const answered = bus.received.filter((result) => result.command.correlationId === correlationId);
  expect(answered.map((result) => result.command.runId)).toEqual([release.runId]);
  expect(await effects.read('ship', correlationId)).toBe(1);
});

test('compensations delivered twice release and refund once', async () => {
  const release = taskRequest(
    'release-inventory',
    { orderId: 'o-comp', reservationId: 'res-o-comp' },
    { kind: 'compensation' },
  );
  const refund = taskRequest(
    'refund-payment',
    { orderId: 'o-comp', authorizationId: 'auth-o-comp' },
    { correlationId: release.correlationId, seq: 2, kind: 'compensation' },
  );
  await bus.publish([release, refund, retryOf(release, 2), retryOf(refund, 2)]);
  await bus.resultsOf(retryOf(release, 2).runId);
  await bus.resultsOf(retryOf(refund, 2).runId);
  expect(await effects.read('release', release.correlationId)).toBe(1);
  expect(await effects.read('refund', release.correlationId)).toBe(1);
});

test('the bench flow tasks answer at once', async () => {
  const validate = taskRequest('validate', { id: 'b-1', amount: 3 }, { workflow: 'bench-flow' });
  const charge = taskRequest(
    'charge',
    { id: 'b-1', amount: 3 },
    { workflow: 'bench-flow', correlationId: validate.correlationId, seq: 2 },
  );
  await bus.publish([validate, charge]);
  const [validated] = await bus.resultsOf(validate.runId);
  const [charged] = await bus.resultsOf(charge.runId);
  expect(validated!.command.outcome).toEqual({ kind: 'succeeded', output: { id: 'b-1', valid: true } });
  expect(charged!.command.outcome).toEqual({ kind: 'succeeded', output: { id: 'b-1', charged: 3 } });
});
