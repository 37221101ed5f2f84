// Ids a client chooses and ids statewright derives (timers, task runs) are separate spaces of the dedupe window.
import { createRegistry, timerCommandId } from '../index';
import { Driver, order } from '../../../test/unit/core/driver';
import { orderSaga } from '../../../examples/order-saga/definition';

const saga = () =>
  new Driver(createRegistry([orderSaga({ shippingTimeoutMs: 1_000 })]), { workflow: 'order-saga' });

test('a signal whose id is a task run id does not stop that run’s result from applying', () => {
  const d = saga();
  d.start(order);
  const run = d.request('validate-order').runId;
  const signal = d.signal('address-changed', { address: 'Elm St 2' }, { commandId: run });
  expect(signal.decision.kind).not.toBe('duplicate');
  const result = d.succeed('validate-order');
  expect(result.decision.kind).toBe('applied');
  expect(d.state).toBe('reserving');
  expect(d.succeed('validate-order').decision.kind).toBe('duplicate');
});

test('a signal whose id is a timer’s command id does not stop the timer from firing', () => {
  const d = saga();
  d.start(order);
  d.succeed('validate-order');
  d.succeed('reserve-inventory', { reservationId: 'r-1' });
  d.succeed('authorize-payment', { authorizationId: 'a-1' });
  const timer = d.instance?.timers.find((t) => t.kind === 'timeout');
  expect(timer).toBeDefined();
  d.signal('address-changed', { address: 'Elm St 2' }, { commandId: timerCommandId(timer!.timerId) });
  const [fired] = d.advance(1_000);
  expect(fired?.decision.kind).toBe('applied');
  expect(fired?.records[0]).toMatchObject({ kind: 'transition', event: 'timeout', from: 'shipping' });
});
