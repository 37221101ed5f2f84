// The order saga's own rules for the events customers and other services send it: when an address may change,
// what happens to notes, priority requests and fraud reports. The mechanics these rules rely on (reject, stash,
// ignore, guard verdicts, deferral) are the core's and specified beside it, in services/core/decision.
import { createRegistry } from '../../services/core';
import { Driver, order } from '../../test/unit/core/driver';
import { ORDER_SAGA, orderSaga } from './definition';

const saga = () => new Driver(createRegistry([orderSaga()]), { workflow: ORDER_SAGA });

function toShipping(d: Driver, input = order): void {
  d.start(input);
  d.succeed('validate-order');
  d.succeed('reserve-inventory', { reservationId: 'r-1' });
  d.succeed('authorize-payment', { authorizationId: 'a-1' });
}

test('the address may change until the order ships; then the change is refused and recorded', () => {
  const d = saga();
  d.start(order);
  d.signal('address-changed', { address: '2 Elm St' });
  expect(d.instance?.context).toMatchObject({ address: '2 Elm St' });
  d.succeed('validate-order');
  d.succeed('reserve-inventory', { reservationId: 'r-1' });
  d.succeed('authorize-payment', { authorizationId: 'a-1' });
  const step = d.signal('address-changed', { address: 'too late' });
  expect(step.decision).toEqual({
    kind: 'rejected',
    reason: { code: 'not-accepted', message: 'address-changed is not accepted in shipping' },
  });
  expect(step.records).toEqual([expect.objectContaining({ kind: 'rejection' })]);
  expect(d.instance?.context).toMatchObject({ address: '2 Elm St' });
});

test('customer notes are kept while the order is validated and ignored once it has moved on', () => {
  const d = saga();
  d.start(order);
  d.signal('customer-note', { note: 'ring twice' });
  expect(d.instance?.context).toMatchObject({ notes: ['ring twice'] });
  toShipping(d);
  expect(d.signal('customer-note', { note: 'hi' }).decision).toEqual({
    kind: 'ignored',
    note: 'customer-note is ignored in shipping',
  });
  expect(d.instance?.context).toMatchObject({ notes: ['ring twice'] });
});

test('a priority request made before shipping waits for shipping and then marks the order priority', () => {
  const d = saga();
  d.start(order);
  expect(d.signal('priority-requested', {}).decision).toEqual({ kind: 'stashed' });
  d.succeed('validate-order');
  d.succeed('reserve-inventory', { reservationId: 'r-1' });
  expect(d.instance?.context).toMatchObject({ priority: false });
  const shipping = d.succeed('authorize-payment', { authorizationId: 'a-1' });
  expect(shipping.records.map((r) => [r.kind, 'event' in r ? r.event : null])).toEqual([
    ['transition', 'task-result'],
    ['transition', 'priority-requested'],
  ]);
  expect(d.instance).toMatchObject({ state: 'shipping', stash: [], context: { priority: true } });
});

test('priority shipping waits 5 s while the carrier is down and is refused while it is degraded', () => {
  const d = saga();
  toShipping(d);
  d.env = { taskHealth: { 'ship-order': 'degraded' }, inFlight: {} };
  expect(d.signal('priority-requested').decision).toEqual({
    kind: 'rejected',
    reason: { code: 'guard-rejected', message: 'carrier degraded' },
  });
  d.env = { taskHealth: { 'ship-order': 'down' }, inFlight: {} };
  expect(d.signal('priority-requested').decision).toEqual({ kind: 'deferred', until: d.now + 5_000 });
  d.env = { taskHealth: { 'ship-order': 'up' }, inFlight: {} };
  d.advance(5_000);
  expect(d.instance?.context).toMatchObject({ priority: true });
});

test('priority shipping is refused for an order above 10 000', () => {
  const d = saga();
  toShipping(d, { ...order, amount: 10_001 });
  expect(d.signal('priority-requested').decision).toEqual({
    kind: 'rejected',
    reason: { code: 'guard-rejected', message: 'amount too large for priority shipping' },
  });
});

test('a fraud score of 0.9 or more cancels the order; a lower score is refused', () => {
  const d = saga();
  d.start(order);
  expect(d.signal('fraud-detected', { score: 0.5 }).decision).toMatchObject({
    kind: 'rejected',
    reason: { code: 'guard-rejected', message: 'score below threshold' },
  });
  const step = d.signal('fraud-detected', { score: 0.95 });
  expect(step.records[0]).toMatchObject({ kind: 'transition', event: 'fraud-detected', to: 'cancelled' });
  expect(d.instance?.status).toBe('cancelled');
});
