// Timers re-enter as commands with ids fixed by the timer: a state's timeout moves to its `after` target; a timer
// that is no longer pending (its state was left) changes nothing, and publishing it again is a duplicate.
import { z } from 'zod';
import { createRegistry, dueTimers, setup, type Transition } from '../index';
import { Driver } from '../../../test/unit/core/driver';

const flow = setup({
  types: {} as { context: { late: boolean } },
  input: z.object({}),
  events: { answer: true, close: true },
  tasks: {},
});

const call = flow.define({
  name: 'call',
  version: 1,
  initial: 'ringing',
  context: () => ({ late: false }),
  states: {
    ringing: {
      after: { ms: 1_000, target: 'missed', update: () => ({ late: true }) },
      on: { answer: { target: 'talking' } },
    },
    talking: { on: { close: { target: 'ended' } } },
    missed: { final: 'timed_out' },
    ended: { final: 'completed' },
  },
});

const ringing = () => {
  const d = new Driver(createRegistry([call]), { workflow: 'call', correlationId: 'c-1' });
  d.start({});
  return d;
};

test('entering a state with `after` sets a timeout timer named after the instance and the entering seq', () => {
  const d = ringing();
  expect(d.instance?.timers).toEqual([
    { kind: 'timeout', timerId: 'c-1/1/timeout', dueAt: d.now + 1_000, state: 'ringing' },
  ]);
});

test('a timeout moves to the after target, running its update, and consumes the timer', () => {
  const d = ringing();
  expect(d.advance(999)).toEqual([]);
  const [fired] = d.advance(1);
  expect(fired?.decision.kind).toBe('applied');
  expect(fired?.records[0]).toMatchObject({
    kind: 'transition',
    event: 'timeout',
    from: 'ringing',
    to: 'missed',
    commandId: 'timer:c-1/1/timeout',
  });
  expect(d.instance).toMatchObject({ status: 'timed_out', timers: [], context: { late: true } });
});

test('leaving a state clears its timeout timer', () => {
  const d = ringing();
  const answered = d.signal('answer');
  expect((answered.records[0] as Transition).timers.clear).toEqual(['c-1/1/timeout']);
  expect(d.instance?.timers).toEqual([]);
});

test('a timer fired after its state was left changes nothing, and publishing it again is a duplicate', () => {
  const d = ringing();
  const [stale] = dueTimers(d.instance!, d.now + 1_000);
  d.signal('answer');
  const late = d.send(stale);
  expect(late.decision).toEqual({ kind: 'ignored', note: expect.stringContaining('not pending') });
  expect(late.records).toEqual([expect.objectContaining({ kind: 'ignored' })]);
  expect(d.send(stale)).toMatchObject({
    decision: { kind: 'duplicate', original: { kind: 'ignored', note: expect.any(String) } },
    records: [],
  });
  expect(d.instance).toMatchObject({ state: 'talking', status: 'running', seq: 2, context: { late: false } });
});

test('a timer fired after the instance finished is dismissed as not pending, not refused as finished', () => {
  const d = ringing();
  const [stale] = dueTimers(d.instance!, d.now + 1_000);
  d.signal('answer');
  d.signal('close');
  expect(d.send(stale).decision).toEqual({ kind: 'ignored', note: expect.stringContaining('not pending') });
  expect(d.instance?.status).toBe('completed');
});
