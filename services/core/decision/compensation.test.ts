// Compensation: a compensation state undoes the completed steps latest first, each with the input fixed when the
// step completed; it waits for actions left in flight, since one may still succeed and need undoing.
import { z } from 'zod';
import { createRegistry, setup } from '../index';
import { Driver } from '../../../test/unit/core/driver';

const flow = setup({
  types: {} as { context: { trip: string } },
  input: z.object({ trip: z.string() }),
  events: { go: true, rename: z.object({ trip: z.string() }) },
  tasks: {
    book: {
      retry: { maxAttempts: 1 },
      compensation: { task: 'unbook', input: (ctx, step) => ({ trip: ctx.trip, booking: step.output }) },
    },
    pay: { retry: { maxAttempts: 2, backoff: { kind: 'fixed', ms: 100 } }, compensation: { task: 'refund' } },
    ship: { retry: { maxAttempts: 1 } },
    unbook: { retry: { maxAttempts: 1 } },
    refund: { retry: { maxAttempts: 1 } },
  },
});

/** idle → booking → paying → shipping → done; a failure undoes, a cancel undoes and ends cancelled. */
const trip = flow.define({
  name: 'trip',
  version: 1,
  initial: 'idle',
  context: (input) => ({ trip: input.trip }),
  cancel: 'cancelling',
  states: {
    idle: { on: { go: { target: 'booking' } }, after: { ms: 60_000, target: 'booking' } },
    booking: { invoke: { tasks: [{ task: 'book' }], onDone: 'paying', onError: 'undoing' } },
    paying: {
      invoke: { tasks: [{ task: 'pay' }], onDone: 'shipping', onError: 'undoing' },
      on: { rename: { update: (_ctx, { trip }) => ({ trip }) } },
    },
    shipping: { invoke: { tasks: [{ task: 'ship' }], onDone: 'done', onError: 'undoing' } },
    undoing: { compensate: { onDone: 'undone', onError: 'stuck' } },
    cancelling: { compensate: { onDone: 'cancelled', onError: 'stuck' } },
    done: { final: 'completed' },
    undone: { final: 'compensated' },
    cancelled: { final: 'cancelled' },
    stuck: { final: 'failed' },
  },
});

const started = () => {
  const d = new Driver(createRegistry([trip]), { workflow: 'trip', correlationId: 'trip-1' });
  d.start({ trip: 'rome' });
  d.signal('go');
  return d;
};

test('a final failure undoes the completed steps latest first, each with its fixed input, then leaves through onDone', () => {
  const d = started();
  d.succeed('book', 'B-1');
  d.signal('rename', { trip: 'paris' });
  const paid = d.request('pay');
  d.succeed('pay', 'P-1');
  d.fail('ship', 'fatal', 'no carrier');
  expect(d.state).toBe('undoing');
  expect(d.instance?.openTasks.map((t) => t.type)).toEqual(['refund']);
  // Without an input function a compensation gets the step's own input and output.
  expect(d.request('refund')).toMatchObject({
    kind: 'compensation',
    input: { input: paid.input, output: 'P-1' },
  });
  d.succeed('refund');
  // The undo of the booking sees the context as it was when the booking completed.
  expect(d.request('unbook')).toMatchObject({
    kind: 'compensation',
    input: { trip: 'rome', booking: 'B-1' },
  });
  d.succeed('unbook');
  expect(d.instance).toMatchObject({ state: 'undone', status: 'compensated', completed: [], openTasks: [] });
  expect(d.types('compensation')).toEqual(['refund', 'unbook']);
});

test('a compensation that fails finally leaves through onError', () => {
  const d = started();
  d.succeed('book', 'B-1');
  d.fail('pay', 'fatal', 'card refused');
  expect(d.types('compensation')).toEqual(['unbook']);
  d.fail('unbook', 'fatal', 'hotel unreachable');
  expect(d.instance).toMatchObject({ state: 'stuck', status: 'failed' });
});

test('cancel waits for an action still in flight; once it succeeded, every completed step is undone, latest first', () => {
  const d = started();
  d.succeed('book', 'B-1');
  d.cancel();
  expect(d.state).toBe('cancelling');
  expect(d.instance?.openTasks.map((t) => [t.type, t.draining])).toEqual([['pay', true]]);
  d.succeed('pay', 'P-1');
  expect(d.instance?.openTasks.map((t) => t.type)).toEqual(['refund']);
  expect(d.state).toBe('cancelling');
  d.succeed('refund');
  expect(d.instance?.openTasks.map((t) => t.type)).toEqual(['unbook']);
  d.succeed('unbook');
  expect(d.instance?.status).toBe('cancelled');
});

test('an action left in flight that then fails, even retryably, is not retried and needs no undo', () => {
  const d = started();
  d.succeed('book', 'B-1');
  d.cancel();
  const settled = d.fail('pay', 'retryable', 'gateway timeout');
  expect(settled.tasks).toEqual([expect.objectContaining({ type: 'unbook', kind: 'compensation' })]);
  expect(d.instance?.timers).toEqual([]);
  d.succeed('unbook');
  expect(d.instance).toMatchObject({ status: 'cancelled', openTasks: [] });
  expect(d.types('compensation')).toEqual(['unbook']);
});

test('an action waiting out its backoff when its state is left is abandoned, not awaited', () => {
  const d = started();
  d.succeed('book', 'B-1');
  d.fail('pay', 'retryable');
  expect(d.instance?.timers.map((t) => t.kind)).toEqual(['retry']);
  d.cancel();
  expect(d.instance).toMatchObject({ state: 'cancelling', timers: [] });
  expect(d.instance?.openTasks.map((t) => t.type)).toEqual(['unbook']);
});

test('cancel with nothing to undo passes through the compensation state and ends at once', () => {
  const d = new Driver(createRegistry([trip]), { workflow: 'trip', correlationId: 'trip-1' });
  d.start({ trip: 'rome' });
  const step = d.cancel();
  expect(step.records).toEqual([
    expect.objectContaining({
      kind: 'transition',
      from: 'idle',
      to: 'cancelled',
      via: ['cancelling', 'cancelled'],
    }),
  ]);
  expect(d.instance).toMatchObject({ status: 'cancelled', openTasks: [], timers: [] });
});

test('cancelling an instance that is already compensating is refused and recorded', () => {
  const d = started();
  d.succeed('book', 'B-1');
  d.fail('pay', 'fatal');
  const step = d.cancel();
  expect(step.decision).toMatchObject({ kind: 'rejected', reason: { code: 'not-accepted' } });
  expect(step.records).toEqual([expect.objectContaining({ kind: 'rejection' })]);
  expect(d.state).toBe('undoing');
});
