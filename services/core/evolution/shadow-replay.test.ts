// Shadow replay on a recorded log of the order saga, made by deciding its traffic with the current version.
import { orderSaga, ORDER_SAGA } from '../../../examples/order-saga/definition';
import { order } from '../../../test/unit/core/driver';
import { Recorder } from '../../../test/unit/core/recorder';
import { createRegistry, type WorkflowDefinition } from '..';
import type { StateNode } from '../definition/workflow-definition';
import { pairRecords } from './recorded-history';
import { shadowReplay } from './shadow-replay';

const current = orderSaga();

/** Six orders: completed, shipping failed, validation failed, shipping timed out, cancelled, re-addressed. */
function recordedTraffic() {
  const r = new Recorder(createRegistry([current]), ORDER_SAGA);
  const toShipping = (id: string) => {
    r.start(id, { ...order, orderId: id });
    r.succeed(id, 'validate-order');
    r.succeed(id, 'reserve-inventory', { reservationId: `r-${id}` });
    r.succeed(id, 'authorize-payment', { authorizationId: `a-${id}` });
  };
  toShipping('o-completed');
  r.succeed('o-completed', 'ship-order', { shipmentId: 's-1' });
  toShipping('o-ship-failed');
  r.fail('o-ship-failed', 'ship-order', 'fatal', 'no carrier');
  r.succeed('o-ship-failed', 'refund-payment');
  r.succeed('o-ship-failed', 'release-inventory');
  r.start('o-invalid', { ...order, orderId: 'o-invalid' });
  r.fail('o-invalid', 'validate-order', 'fatal', 'bad items');
  r.start('o-cancelled', { ...order, orderId: 'o-cancelled' });
  r.succeed('o-cancelled', 'validate-order');
  r.cancel('o-cancelled');
  r.start('o-readdressed', { ...order, orderId: 'o-readdressed' });
  r.signal('o-readdressed', 'address-changed', { address: '2 Side St' });
  r.succeed('o-readdressed', 'validate-order');
  toShipping('o-slow');
  r.advance(30_000);
  return r.history;
}

/** The current order saga with one state changed, as a candidate version would change it. */
function candidate(state: string, change: (node: StateNode) => Partial<StateNode>): WorkflowDefinition {
  const node = current.states.get(state)!;
  return { ...current, version: 2, states: new Map(current.states).set(state, { ...node, ...change(node) }) };
}

describe('shadowReplay', () => {
  const recorded = recordedTraffic();

  test('an unchanged candidate reports no divergence', () => {
    const report = shadowReplay(createRegistry([orderSaga({ version: 2 })]), recorded);
    expect(report).toMatchObject({
      instancesChecked: 6,
      divergences: [],
      byKind: {},
      skipped: 0,
      incomplete: 0,
    });
    expect(report.commandsChecked).toBe(recorded.length);
  });

  test('a candidate whose shipping failure no longer compensates diverges on exactly that instance', () => {
    const changed = candidate('shipping', (node) => ({
      invoke: { ...node.invoke!, onError: { ...node.invoke!.onError, target: 'failed' } },
    }));
    const report = shadowReplay(createRegistry([changed]), recorded);
    expect(report.instancesChecked).toBe(6);
    expect(report.byKind).toEqual({ 'target-state': 1 });
    expect(report.divergences).toEqual([
      expect.objectContaining({
        correlationId: 'o-ship-failed',
        version: 1,
        seq: 4,
        state: 'shipping',
        command: expect.objectContaining({ type: 'task-result', detail: expect.stringMatching(/ fatal$/) }),
        kind: 'target-state',
        recorded: [
          expect.objectContaining({ kind: 'transition', to: 'compensating', tasks: ['refund-payment'] }),
        ],
        candidate: [
          expect.objectContaining({ kind: 'transition', to: 'failed', status: 'failed', tasks: [] }),
        ],
      }),
    ]);
  });

  test('a candidate that changes what an event does to the context names the instance and the path', () => {
    const changed = candidate('validating', (node) => ({
      on: new Map(node.on).set('address-changed', {
        ...node.on.get('address-changed')!,
        update: (ctx, payload) => ({
          ...(ctx as object),
          address: (payload as { address: string }).address.toUpperCase(),
        }),
      }),
    }));
    const report = shadowReplay(createRegistry([changed]), recorded);
    expect(report.divergences).toEqual([
      expect.objectContaining({
        correlationId: 'o-readdressed',
        seq: 1,
        state: 'validating',
        command: expect.objectContaining({ type: 'signal', detail: 'address-changed' }),
        kind: 'context',
        contextPaths: ['address'],
      }),
    ]);
  });

  test('a shorter shipping timeout shows as other timers on every instance that reached shipping', () => {
    const report = shadowReplay(
      createRegistry([orderSaga({ version: 2, shippingTimeoutMs: 10_000 })]),
      recorded,
    );
    expect(report.divergences.map((d) => d.correlationId).sort()).toEqual([
      'o-completed',
      'o-ship-failed',
      'o-slow',
    ]);
    expect(report.byKind).toEqual({ timers: 3 });
    expect(report.divergences[0]).toMatchObject({
      state: 'reserving',
      recorded: [expect.objectContaining({ timers: { set: ['timeout@30000ms'], clear: [] } })],
      candidate: [expect.objectContaining({ timers: { set: ['timeout@10000ms'], clear: [] } })],
    });
  });

  test('--workflow limits the instances checked; a workflow the candidate lacks is skipped', () => {
    const other = { ...current, name: 'other-flow' };
    expect(shadowReplay(createRegistry([other]), recorded)).toMatchObject({
      instancesChecked: 0,
      skipped: 6,
    });
    expect(
      shadowReplay(createRegistry([current]), recorded, { workflow: 'other-flow' }).instancesChecked,
    ).toBe(0);
  });
});

test('an instance whose recorded history does not begin at its start is counted apart, not compared', () => {
  const recorded = recordedTraffic();
  const cut = recorded.filter(
    (entry, index) => !(entry.command.correlationId === 'o-completed' && index < 2),
  );
  const report = shadowReplay(createRegistry([current]), cut);
  expect(report).toMatchObject({ instancesChecked: 5, incomplete: 1, divergences: [] });
});

describe('pairRecords', () => {
  test("pairs a partition's commands with the records that resolve them, in log order", () => {
    const recorded = recordedTraffic();
    const commands = recorded.map((entry) => entry.command);
    const log = recorded.flatMap((entry) => entry.records);
    expect(pairRecords(commands, log)).toEqual({ history: recorded, unpaired: [] });
  });

  test('records of commands not held are returned apart', () => {
    const recorded = recordedTraffic();
    const [first, ...rest] = recorded;
    const paired = pairRecords(
      rest.map((entry) => entry.command),
      recorded.flatMap((entry) => entry.records),
    );
    expect(paired.unpaired).toEqual(first!.records);
    expect(paired.history).toEqual(rest);
  });
});
