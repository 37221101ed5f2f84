// Admin acts on one instance: purge (finished only), erase, and an operator's retry, recorded in its log.
import { z } from 'zod';
import { createRegistry, ERASED, eraseFields, setup, type Transition } from '../index';
import { Driver } from '../../../test/unit/core/driver';
import { orderSaga } from '../../../examples/order-saga/definition';
import { ORDER_INPUT as ORDER } from '../../../test/harness/order-commands';

const flow = setup({
  types: {} as { context: { customer: { email: string; name: string }; card: string } },
  input: z.object({ email: z.string(), card: z.string() }),
  events: { finish: true },
  tasks: {},
});

const signup = flow.define({
  name: 'signup',
  version: 1,
  initial: 'open',
  sensitive: ['customer.email', 'card', 'not.there'],
  context: (input) => ({ customer: { email: input.email, name: 'Ada' }, card: input.card }),
  states: {
    open: { on: { finish: { target: 'done' } } },
    done: { final: 'completed' },
  },
});

const driver = () => new Driver(createRegistry([signup]), { workflow: 'signup' });
const admin = (d: Driver, action: string) =>
  d.send({ ...d.envelope({ actor: 'ops@example.com' }), type: 'admin', action });

test('erasure blanks the sensitive fields in a transition and keeps state, status and everything else', () => {
  const d = driver();
  d.start({ email: 'ada@example.com', card: '4111' });
  const step = admin(d, 'erase');
  const t = step.records[0] as Transition;
  expect(t).toMatchObject({
    kind: 'transition',
    event: 'erase',
    from: 'open',
    to: 'open',
    actor: 'ops@example.com',
  });
  expect(d.instance).toMatchObject({
    state: 'open',
    status: 'running',
    seq: 2,
    context: { customer: { email: ERASED, name: 'Ada' }, card: ERASED },
  });
  d.signal('finish');
  expect(d.instance?.status).toBe('completed');
  admin(d, 'erase');
  expect(d.instance?.seq).toBe(4);
});

test('purge is refused while running and forgets a finished instance; purging again is ignored', () => {
  const d = driver();
  d.start({ email: 'ada@example.com', card: '4111' });
  expect(admin(d, 'purge').decision).toMatchObject({ kind: 'rejected', reason: { code: 'not-finished' } });
  d.signal('finish');
  const step = admin(d, 'purge');
  expect(step.decision.kind).toBe('applied');
  expect(step.records).toEqual([expect.objectContaining({ kind: 'purged', seq: 2 })]);
  expect(d.instance).toBeUndefined();
  expect(admin(d, 'purge').decision.kind).toBe('ignored');
  d.start({ email: 'grace@example.com', card: '5500' });
  expect(d.instance).toMatchObject({ seq: 1, status: 'running' });
});

test('migrate still needs its target version', () => {
  const d = driver();
  d.start({ email: 'ada@example.com', card: '4111' });
  expect(admin(d, 'migrate').decision).toMatchObject({
    kind: 'rejected',
    reason: { code: 'invalid-command', message: 'targetVersion: required for migrate' },
  });
});

test('eraseFields leaves absent paths and non-object parents alone and shares untouched parts', () => {
  const value = { a: { b: 1, c: [1, 2] }, d: 'x' };
  const erased = eraseFields(value, ['a.b', 'a.c.0', 'd.e', 'zz']);
  expect(erased).toEqual({ a: { b: ERASED, c: [1, 2] }, d: 'x' });
  expect(eraseFields(value, ['q'])).toBe(value);
});

test("an operator's retry starts the next attempt of a task waiting out its backoff, once", () => {
  const d = new Driver(createRegistry([orderSaga()]), { workflow: 'order-saga' });
  d.start(ORDER);
  expect(admin(d, 'retry').decision).toMatchObject({ kind: 'rejected', reason: { code: 'not-accepted' } });
  d.fail('validate-order', 'retryable');
  expect(d.instance?.timers.map((t) => t.kind)).toEqual(['retry']);
  const step = admin(d, 'retry');
  expect(step.records[0]).toMatchObject({ kind: 'transition', event: 'retry', actor: 'ops@example.com' });
  expect(step.tasks).toEqual([expect.objectContaining({ type: 'validate-order', attempt: 2 })]);
  expect(d.instance?.timers).toEqual([]);
  expect(admin(d, 'retry').decision.kind).toBe('rejected');
});

test('a purged correlation id started again is a new incarnation: no task or run id of the old one repeats', () => {
  const d = new Driver(createRegistry([orderSaga({ shippingTimeoutMs: 30_000 })]), {
    workflow: 'order-saga',
  });
  d.start(ORDER, { commandId: 'start-order' });
  const first = d.request('validate-order');
  d.fail('validate-order', 'fatal', 'bad order');
  expect(d.instance?.status).not.toBe('running');
  expect(admin(d, 'purge').decision.kind).toBe('applied');
  d.now += 1;
  d.start(ORDER, { commandId: 'start-order' });
  const second = d.request('validate-order');
  expect(d.instance).toMatchObject({ seq: 1, status: 'running' });
  expect(second.taskId).not.toBe(first.taskId);
  expect(second.runId).not.toBe(first.runId);
  expect(second.taskId.startsWith(`${d.instance?.correlationId}/${d.instance?.incarnation}/1/`)).toBe(true);
});
