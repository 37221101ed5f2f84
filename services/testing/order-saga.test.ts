// The order saga from examples/, tested as a team would test its own workflow: its definition in the kit's
// environment, with handlers written for the test (the example's own need Redis).
import { z } from 'zod';
import { ORDER_SAGA, orderSaga, type OrderContext } from '../../examples/order-saga/definition';
import { AsyncCompletion, FatalTaskError, RetryableTaskError, taskHandler, type HandlerMap } from '../worker';
import { createTestEnvironment } from './index';

const DAY = 24 * 60 * 60 * 1000;
const DECLINED = '4000000000000002';
const LOST = 'NEVER-SHIPS';

const order = (overrides: Record<string, unknown> = {}) => ({
  orderId: 'o-1',
  customer: { id: 'c-1', email: 'ada@example.com' },
  items: [{ sku: 'book', quantity: 2 }],
  amount: 40,
  payment: { cardNumber: '4111111111111111' },
  address: '1 Main St',
  ...overrides,
});

const anything = z.object({ orderId: z.string() }).loose();

/** The saga's services, in memory: `flakyPayments` attempts fail retryably before one succeeds. */
function handlers(options: { flakyPayments?: number } = {}): HandlerMap {
  return {
    'validate-order': taskHandler(anything, async () => ({ valid: true })),
    'reserve-inventory': taskHandler(anything, async (input) => ({ reservationId: `res-${input.orderId}` })),
    'authorize-payment': taskHandler(
      z.object({ orderId: z.string(), amount: z.number(), cardNumber: z.string() }),
      async (input, ctx) => {
        if (input.cardNumber === DECLINED) throw new FatalTaskError('card declined', 'card-declined');
        if (ctx.attempt <= (options.flakyPayments ?? 0)) throw new RetryableTaskError('acquirer busy');
        return { authorizationId: `auth-${input.orderId}` };
      },
    ),
    'ship-order': taskHandler(
      z.object({ orderId: z.string(), address: z.string() }).loose(),
      async (input) => {
        if (input.address.includes(LOST)) throw new AsyncCompletion('the carrier calls back, or never does');
        return { shipmentId: `shp-${input.orderId}` };
      },
    ),
    'release-inventory': taskHandler(anything, async () => ({ released: true })),
    'refund-payment': taskHandler(anything, async () => ({ refunded: true })),
  };
}

describe('the order saga in the test environment', () => {
  test('an order is validated, reserved and paid in parallel, shipped and completed', async () => {
    const env = createTestEnvironment({ workflows: [orderSaga()], handlers: handlers() });
    env.start(ORDER_SAGA, 'order-1', order());
    await env.runTasks();
    const done = env.instance<OrderContext>('order-1');
    expect(done).toMatchObject({ state: 'completed', status: 'completed', seq: 5 });
    expect(done.context).toMatchObject({
      reservationId: 'res-o-1',
      shipmentId: 'shp-o-1',
      payment: { authorizationId: 'auth-o-1' },
    });
  });

  test('a carrier that never answers runs into a 30-day shipping deadline, which unwinds the order', async () => {
    const env = createTestEnvironment({
      workflows: [orderSaga({ shippingTimeoutMs: 30 * DAY })],
      handlers: handlers(),
    });
    env.start(ORDER_SAGA, 'order-1', order({ address: `1 ${LOST} St` }));
    await env.runTasks();
    expect(env.instance('order-1').state).toBe('shipping');
    expect(env.tasks().map((t) => t.type)).toEqual(['ship-order']);

    env.advance(30 * DAY - 1);
    expect(env.instance('order-1').state).toBe('shipping');
    env.advance(1);
    expect(env.instance('order-1').state).toBe('timing-out');

    await env.runTasks();
    expect(env.instance('order-1')).toMatchObject({ state: 'timed_out', status: 'timed_out', completed: [] });
    expect(
      env
        .emitted('order-1')
        .filter((t) => t.kind === 'compensation')
        .map((t) => t.type),
    ).toEqual(['refund-payment', 'release-inventory']);
  });

  test('a declined card is fatal by its code: only the reservation is released', async () => {
    const env = createTestEnvironment({ workflows: [orderSaga()], handlers: handlers() });
    env.start(ORDER_SAGA, 'order-1', order({ payment: { cardNumber: DECLINED } }));
    const runs = await env.runTasks();
    expect(runs.filter((r) => r.task.type === 'authorize-payment')).toHaveLength(1);
    expect(env.instance<OrderContext>('order-1')).toMatchObject({
      status: 'compensated',
      context: { failure: 'card declined' },
    });
    expect(
      env
        .emitted('order-1')
        .filter((t) => t.kind === 'compensation')
        .map((t) => t.type),
    ).toEqual(['release-inventory']);
  });

  test('a flaky payment is retried after its backoff and the order completes', async () => {
    const env = createTestEnvironment({ workflows: [orderSaga()], handlers: handlers({ flakyPayments: 2 }) });
    const t0 = env.now();
    env.start(ORDER_SAGA, 'order-1', order());
    const runs = await env.runTasks();
    expect(runs.filter((r) => r.task.type === 'authorize-payment').map((r) => r.result.kind)).toEqual([
      'retryable',
      'retryable',
      'succeeded',
    ]);
    expect(env.instance('order-1').status).toBe('completed');
    // Exponential 200 ms then 400 ms, less up to 20% jitter: the clock moved by the backoffs only.
    expect(env.now() - t0).toBeGreaterThanOrEqual(480);
    expect(env.now() - t0).toBeLessThanOrEqual(600);
  });

  test('priority asked for while validating waits in the stash and applies once shipping', async () => {
    const env = createTestEnvironment({ workflows: [orderSaga()] });
    env.start(ORDER_SAGA, 'order-1', order());
    expect(env.signal('order-1', 'priority-requested', {}).decision.kind).toBe('stashed');
    env.completeTask('validate-order', {});
    env.completeTask('reserve-inventory', { reservationId: 'r-1' });
    const shipped = env.completeTask<OrderContext>('authorize-payment', { authorizationId: 'a-1' });
    expect(shipped.instance).toMatchObject({ state: 'shipping', stash: [], context: { priority: true } });
    expect(env.history('order-1').map((t) => t.event)).toEqual([
      'start',
      'task-result',
      'task-result',
      'task-result',
      'priority-requested',
    ]);
  });

  test('a customer cancel while reserving refunds and releases what completed', async () => {
    const env = createTestEnvironment({ workflows: [orderSaga()] });
    env.start(ORDER_SAGA, 'order-1', order());
    env.completeTask('validate-order', {});
    env.completeTask('reserve-inventory', { reservationId: 'r-1' });
    env.cancel('order-1', 'customer asked');
    // The payment was in flight: its outcome is awaited before anything is undone.
    expect(env.tasks().map((t) => [t.type, t.draining])).toEqual([['authorize-payment', true]]);
    env.completeTask('authorize-payment', { authorizationId: 'a-1' });
    env.completeTask('refund-payment', {});
    env.completeTask('release-inventory', {});
    expect(env.instance('order-1').status).toBe('cancelled');
  });
});
