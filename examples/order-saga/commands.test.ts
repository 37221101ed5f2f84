// How the order saga treats events it does not expect, guards, duplicates and concurrency controls.
import { createRegistry, type Deferral, type Transition } from '../../services/core';
import { Driver, order } from '../../test/unit/core/driver';
import { ORDER_SAGA, orderSaga } from './definition';

const saga = () => new Driver(createRegistry([orderSaga()]), { workflow: ORDER_SAGA });

function toShipping(d: Driver): void {
  d.start(order);
  d.succeed('validate-order');
  d.succeed('reserve-inventory', { reservationId: 'r-1' });
  d.succeed('authorize-payment', { authorizationId: 'a-1' });
}

describe('events the current state does not accept', () => {
  test('are rejected by default, and the rejection is recorded', () => {
    const d = saga();
    toShipping(d);
    const step = d.signal('address-changed', { address: 'too late' });
    expect(step.decision).toEqual({
      kind: 'rejected',
      reason: { code: 'not-accepted', message: 'address-changed is not accepted in shipping' },
    });
    expect(step.records).toEqual([expect.objectContaining({ kind: 'rejection', commandId: 'cmd-5' })]);
    expect(d.instance?.seq).toBe(4);
  });

  test('are stashed when their policy says so and applied once a later state accepts them, in arrival order', () => {
    const d = saga();
    d.start(order);
    expect(d.signal('priority-requested', {}).decision).toEqual({ kind: 'stashed' });
    expect(d.instance?.stash).toHaveLength(1);
    d.succeed('validate-order');
    d.succeed('reserve-inventory', { reservationId: 'r-1' });
    const arrival = d.succeed('authorize-payment', { authorizationId: 'a-1' });
    expect(arrival.decision.kind).toBe('applied');
    const transitions = arrival.records as Transition[];
    expect(transitions.map((t) => [t.event, t.to, t.causation])).toEqual([
      ['task-result', 'shipping', null],
      ['priority-requested', 'shipping', arrival.records[0]?.commandId],
    ]);
    expect(d.instance).toMatchObject({ stash: [], context: { priority: true } });
  });

  test('are ignored when their policy says so, and the dismissal is still recorded for dedupe', () => {
    const d = saga();
    toShipping(d);
    const step = d.signal('customer-note', { note: 'hi' });
    expect(step.decision).toEqual({ kind: 'ignored', note: 'customer-note is ignored in shipping' });
    expect(d.instance?.dedupe.at(-1)).toMatchObject({ commandId: 'cmd-5', outcome: { kind: 'ignored' } });
  });

  test('a payload that fails the event schema is rejected unrecorded, for the dead-letter topic', () => {
    const d = saga();
    d.start(order);
    const step = d.signal('address-changed', { address: '' });
    expect(step.decision).toMatchObject({ kind: 'rejected', reason: { code: 'invalid-payload' } });
    expect(step.records).toEqual([]);
  });
});

describe('guards', () => {
  test('see the environment, and the transition records the snapshot they saw', () => {
    const d = saga();
    toShipping(d);
    d.env = { taskHealth: { 'ship-order': 'up' }, inFlight: { 'ship-order': 3 } };
    const step = d.signal('priority-requested');
    expect(step.records[0]).toMatchObject({
      kind: 'transition',
      env: d.env,
      context: expect.objectContaining({ priority: true }),
    });
  });

  test('may reject: recorded with the environment', () => {
    const d = saga();
    toShipping(d);
    d.env = { taskHealth: { 'ship-order': 'degraded' }, inFlight: {} };
    const step = d.signal('priority-requested');
    expect(step.decision).toEqual({
      kind: 'rejected',
      reason: { code: 'guard-rejected', message: 'carrier degraded' },
    });
    expect(step.records[0]).toMatchObject({ kind: 'rejection', env: d.env });
  });

  test('may defer: a deferral timer brings the command back through the command stream', () => {
    const d = saga();
    toShipping(d);
    d.env = { taskHealth: { 'ship-order': 'down' }, inFlight: {} };
    const deferred = d.signal('priority-requested');
    expect(deferred.decision).toEqual({ kind: 'deferred', until: d.now + 5_000 });
    const deferral = deferred.records[0] as Deferral;
    expect(deferral.timers.set).toEqual([
      expect.objectContaining({ kind: 'deferral', dueAt: d.now + 5_000 }),
    ]);
    d.env = { taskHealth: { 'ship-order': 'up' }, inFlight: {} };
    const [released] = d.advance(5_000);
    expect(released?.records).toEqual([
      expect.objectContaining({
        kind: 'transition',
        commandId: 'cmd-5',
        causation: expect.stringMatching(/^timer:/),
      }),
    ]);
    expect(d.instance).toMatchObject({
      timers: [expect.objectContaining({ kind: 'timeout' })],
      context: { priority: true },
    });
    const original = d.instance?.dedupe.find((e) => e.commandId === 'cmd-5');
    expect(original?.outcome).toEqual({ kind: 'applied', seq: 5 });
  });

  test('may cancel the instance', () => {
    const d = saga();
    d.start(order);
    const step = d.signal('fraud-detected', { score: 0.95 });
    expect(step.records[0]).toMatchObject({ kind: 'transition', event: 'fraud-detected', to: 'cancelled' });
    expect(d.instance?.status).toBe('cancelled');
  });
});

describe('idempotency and concurrency', () => {
  test('a duplicate command produces no record and returns the original outcome', () => {
    const d = saga();
    const start = { ...d.envelope(), type: 'start', input: order };
    d.send(start);
    const again = d.send({ ...start, timestamp: d.now + 10, actor: 'someone else' });
    expect(again).toMatchObject({
      decision: { kind: 'duplicate', original: { kind: 'applied', seq: 1 } },
      records: [],
    });
  });

  test('a duplicate of a rejected command returns the same rejection', () => {
    const d = saga();
    toShipping(d);
    const late = { ...d.envelope(), type: 'signal', event: 'address-changed', payload: { address: 'x' } };
    const first = d.send(late);
    const second = d.send(late);
    expect(second.decision).toEqual({
      kind: 'duplicate',
      original: { kind: 'rejected', reason: (first.decision as { reason: unknown }).reason },
    });
  });

  test('reusing a command id for a different operation is a conflict', () => {
    const d = saga();
    d.start(order);
    const id = { commandId: 'note-1' };
    d.signal('customer-note', { note: 'a' }, id);
    const step = d.signal('customer-note', { note: 'b' }, id);
    expect(step.decision).toMatchObject({ kind: 'rejected', reason: { code: 'conflict' } });
    expect(step.records[0]).toMatchObject({ kind: 'rejection', dedupe: [] });
    expect(d.instance?.context).toMatchObject({ notes: ['a'] });
  });

  test('starting an existing instance is rejected as already-started', () => {
    const d = saga();
    d.start(order);
    expect(d.start(order).decision).toMatchObject({ kind: 'rejected', reason: { code: 'already-started' } });
  });

  test('expectedSeq must match the instance seq', () => {
    const d = saga();
    d.start(order);
    expect(d.signal('customer-note', { note: 'x' }, { expectedSeq: 7 }).decision).toMatchObject({
      kind: 'rejected',
      reason: { code: 'seq-mismatch' },
    });
    expect(d.signal('customer-note', { note: 'y' }, { expectedSeq: 1 }).decision.kind).toBe('applied');
  });

  test('a command whose sourceSeq is not newer than the last applied one loses', () => {
    const d = saga();
    d.start(order);
    d.signal('address-changed', { address: 'second' }, { sourceSeq: 2 });
    const stale = d.signal('address-changed', { address: 'first' }, { sourceSeq: 1 });
    expect(stale.decision).toMatchObject({ kind: 'rejected', reason: { code: 'stale' } });
    expect(d.instance).toMatchObject({ lastSourceSeq: 2, context: { address: 'second' } });
  });

  test('commands for unknown instances and workflows are rejected without records', () => {
    const d = saga();
    expect(d.signal('customer-note', { note: 'x' }).decision).toMatchObject({
      reason: { code: 'unknown-instance' },
    });
    const elsewhere = d.send({ ...d.envelope(), workflow: 'nope', type: 'start', input: order });
    expect(elsewhere).toMatchObject({ decision: { reason: { code: 'unknown-workflow' } }, records: [] });
    expect(d.send({ hello: 'world' }).decision).toMatchObject({
      kind: 'rejected',
      reason: { code: 'invalid-command' },
    });
  });
});
