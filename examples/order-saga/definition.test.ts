// The order saga as documentation: what each kind of command does to an order.
import { createRegistry, toDot, toMermaid, type Transition } from '../../services/core';
import { Driver, order } from '../../test/unit/core/driver';
import { ORDER_SAGA, orderSaga } from './definition';

function saga(shippingTimeoutMs = 30_000): Driver {
  return new Driver(createRegistry([orderSaga({ shippingTimeoutMs })]), { workflow: ORDER_SAGA });
}

function toShipping(d: Driver): void {
  d.start(order);
  d.succeed('validate-order');
  d.succeed('reserve-inventory', { reservationId: 'r-1' });
  d.succeed('authorize-payment', { authorizationId: 'a-1' });
}

describe('order saga', () => {
  test('happy path: validate, reserve and authorise in parallel, ship, complete', () => {
    const d = saga();
    expect(d.start(order).tasks.map((t) => t.type)).toEqual(['validate-order']);
    const validated = d.succeed('validate-order');
    expect(validated.tasks.map((t) => t.type)).toEqual(['reserve-inventory', 'authorize-payment']);
    expect(d.succeed('reserve-inventory', { reservationId: 'r-1' }).instance?.state).toBe('reserving');
    expect(d.succeed('authorize-payment', { authorizationId: 'a-1' }).instance?.state).toBe('shipping');
    d.succeed('ship-order', { shipmentId: 's-1' });
    expect(d.instance).toMatchObject({
      state: 'completed',
      status: 'completed',
      seq: 5,
      timers: [],
      openTasks: [],
    });
    expect(d.instance?.context).toMatchObject({
      reservationId: 'r-1',
      shipmentId: 's-1',
      payment: { authorizationId: 'a-1' },
    });
  });

  test('a retryable failure waits on a retry timer whose firing requests the next attempt', () => {
    const d = saga();
    d.start(order);
    const failed = d.fail('validate-order', 'retryable', 'db busy');
    expect(failed.tasks).toEqual([]);
    // 500 ms fixed backoff, less up to 20% jitter drawn from the run id: the same on every replay.
    const [timer] = d.instance?.timers ?? [];
    const life = d.instance?.incarnation;
    expect(timer).toMatchObject({ kind: 'retry', timerId: `order-1/${life}/1/0#1/retry` });
    const delay = (timer?.dueAt ?? 0) - d.now;
    expect(delay).toBeGreaterThanOrEqual(400);
    expect(delay).toBeLessThanOrEqual(500);
    expect(d.advance(delay - 1)).toEqual([]);
    const [fired] = d.advance(1);
    expect(fired?.tasks).toEqual([
      expect.objectContaining({ type: 'validate-order', attempt: 2, runId: `order-1/${life}/1/0#2` }),
    ]);
    d.succeed('validate-order');
    expect(d.state).toBe('reserving');
  });

  test('a fatal failure after both steps completed compensates them latest first, then ends compensated', () => {
    const d = saga();
    toShipping(d);
    d.fail('ship-order', 'fatal', 'no carrier');
    expect(d.state).toBe('compensating');
    expect(d.request('refund-payment')).toMatchObject({
      kind: 'compensation',
      input: { orderId: 'o-1', authorizationId: 'a-1' },
    });
    d.succeed('refund-payment');
    expect(d.request('release-inventory').input).toEqual({ orderId: 'o-1', reservationId: 'r-1' });
    d.succeed('release-inventory');
    expect(d.instance).toMatchObject({ state: 'compensated', status: 'compensated', completed: [] });
    expect(d.types('compensation')).toEqual(['refund-payment', 'release-inventory']);
    expect(d.instance?.context).toMatchObject({ failure: 'no carrier' });
  });

  test('a declined card is fatal by error code: only the finished reservation is released', () => {
    const d = saga();
    d.start(order);
    d.succeed('validate-order');
    d.succeed('reserve-inventory', { reservationId: 'r-9' });
    d.fail('authorize-payment', 'retryable', 'declined', 'card-declined');
    expect(d.types('compensation')).toEqual(['release-inventory']);
    d.succeed('release-inventory');
    expect(d.instance?.status).toBe('compensated');
  });

  test('exhausted retries take the error path', () => {
    const d = saga();
    d.start(order);
    for (let i = 0; i < 2; i++) {
      d.fail('validate-order', 'retryable');
      d.advance(500);
    }
    d.fail('validate-order', 'retryable', 'still broken');
    expect(d.instance).toMatchObject({
      state: 'failed',
      status: 'failed',
      context: { failure: 'still broken' },
    });
  });

  test('shipping that outlasts its timeout is unwound and ends timed_out', () => {
    const d = saga(1_000);
    toShipping(d);
    const timer = d.instance?.timers.find((t) => t.kind === 'timeout');
    expect(timer).toMatchObject({ timerId: 'order-1/4/timeout', state: 'shipping' });
    const [fired] = d.advance(1_000);
    expect((fired?.records[0] as Transition).event).toBe('timeout');
    expect(d.state).toBe('timing-out');
    d.succeed('refund-payment');
    d.succeed('release-inventory');
    expect(d.instance?.status).toBe('timed_out');
  });

  test('cancel waits for the payment still in flight, then undoes every completed step, latest first', () => {
    const d = saga();
    d.start(order);
    d.succeed('validate-order');
    d.succeed('reserve-inventory', { reservationId: 'r-1' });
    d.cancel();
    expect(d.state).toBe('cancelling');
    expect(d.instance?.openTasks.map((t) => [t.type, t.draining])).toEqual([['authorize-payment', true]]);
    d.succeed('authorize-payment', { authorizationId: 'a-1' });
    expect(d.instance?.openTasks.map((t) => t.type)).toEqual(['refund-payment']);
    expect(d.request('refund-payment').input).toMatchObject({ authorizationId: 'a-1' });
    d.succeed('refund-payment');
    expect(d.instance?.openTasks.map((t) => t.type)).toEqual(['release-inventory']);
    d.succeed('release-inventory');
    expect(d.instance?.status).toBe('cancelled');
  });

  test('a failed reservation waits for the payment in flight; a payment that then fails needs no refund', () => {
    const d = saga();
    d.start(order);
    d.succeed('validate-order');
    d.fail('reserve-inventory', 'fatal', 'out of stock');
    expect(d.state).toBe('compensating');
    d.fail('authorize-payment', 'retryable', 'gateway timeout');
    expect(d.instance).toMatchObject({ status: 'compensated', openTasks: [] });
  });

  test('cancel with nothing to undo ends cancelled at once, passing through the compensation state', () => {
    const d = saga();
    d.start(order);
    const step = d.cancel();
    expect(step.records[0]).toMatchObject({
      kind: 'transition',
      from: 'validating',
      to: 'cancelled',
      via: ['cancelling', 'cancelled'],
    });
    expect(d.instance).toMatchObject({ status: 'cancelled', openTasks: [], timers: [] });
  });

  test('commands for a finished order are rejected as finished and recorded', () => {
    const d = saga();
    d.start(order);
    d.cancel();
    const step = d.signal('address-changed', { address: 'elsewhere' });
    expect(step.decision).toEqual({
      kind: 'rejected',
      reason: { code: 'finished', message: expect.any(String) },
    });
    expect(step.records).toEqual([expect.objectContaining({ kind: 'rejection' })]);
  });

  test('renders as Mermaid and DOT', () => {
    const definition = orderSaga();
    const mermaid = toMermaid(definition);
    expect(mermaid).toContain('stateDiagram-v2');
    expect(mermaid).toContain('[*] --> validating');
    expect(mermaid).toContain('reserving --> shipping: done(reserve-inventory & authorize-payment)');
    expect(mermaid).toContain('shipping --> timing_out: after 30000ms');
    expect(mermaid).toContain('completed --> [*]');
    const dot = toDot(definition);
    expect(dot).toContain('"shipping" -> "timing-out" [label="after 30000ms"]');
    expect(dot).toContain('"cancelled" [shape=doublecircle, xlabel="cancelled"]');
  });
});
