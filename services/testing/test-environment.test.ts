// The test environment as a team uses it: small workflows defined here with the DSL, driven by hand, by virtual
// time and by real handlers.
import { z } from 'zod';
import { setup, verdict } from '../core';
import { FatalTaskError, RetryableTaskError, taskHandler, type HandlerMap } from '../worker';
import {
  ClockError,
  createTestEnvironment,
  HandlerRunError,
  RefusedCommandError,
  TaskLookupError,
  UnknownInstanceError,
} from './index';

const DAY = 24 * 60 * 60 * 1000;

const trial = setup({
  types: {} as { context: { plan: string; reminded: boolean } },
  input: z.object({ plan: z.string().min(1) }),
  events: { subscribe: z.object({ card: z.string().min(4) }), remind: true },
  tasks: { 'send-reminder': {} },
}).define({
  name: 'trial',
  version: 1,
  initial: 'trialling',
  context: (input) => ({ plan: input.plan, reminded: false }),
  cancel: 'cancelled',
  states: {
    trialling: {
      after: { ms: 30 * DAY, target: 'expired' },
      on: {
        subscribe: { target: 'subscribed' },
        remind: { update: (ctx) => ({ ...ctx, reminded: true }), tasks: [{ task: 'send-reminder' }] },
      },
    },
    subscribed: { final: 'completed' },
    expired: { final: 'timed_out' },
    cancelled: { final: 'cancelled' },
  },
});

const booking = setup({
  types: {} as { context: { trip: string; reservation: string | null; failure: string | null } },
  input: z.object({ trip: z.string() }),
  events: {},
  tasks: {
    reserve: {
      retry: { maxAttempts: 3, backoff: { kind: 'fixed', ms: 1_000 }, jitter: 0 },
      compensation: { task: 'release' },
    },
    charge: { retry: { maxAttempts: 3, backoff: { kind: 'fixed', ms: 60_000 }, jitter: 0 } },
    release: { retry: { maxAttempts: 2, backoff: { kind: 'fixed', ms: 10 } } },
  },
}).define({
  name: 'booking',
  version: 1,
  initial: 'reserving',
  context: (input) => ({ trip: input.trip, reservation: null, failure: null }),
  cancel: 'undoing',
  states: {
    reserving: {
      invoke: {
        tasks: [
          {
            task: 'reserve',
            input: (ctx) => ({ trip: ctx.trip }),
            assign: (ctx, out) => ({ ...ctx, reservation: (out as { id: string }).id }),
          },
        ],
        onDone: 'charging',
        onError: 'failed',
      },
    },
    charging: {
      invoke: {
        tasks: [{ task: 'charge', input: (ctx) => ({ trip: ctx.trip }) }],
        onDone: 'booked',
        onError: { target: 'undoing', update: (ctx, error) => ({ ...ctx, failure: error.message }) },
      },
    },
    undoing: { compensate: { onDone: 'compensated', onError: 'failed' } },
    booked: { final: 'completed' },
    compensated: { final: 'compensated' },
    failed: { final: 'failed' },
  },
});

const trip = z.object({ trip: z.string() });

/** Handlers of the booking workflow; `behaviour` says how each charge attempt ends. */
function bookingHandlers(charge: (attempt: number) => Promise<{ paid: boolean }>): HandlerMap {
  return {
    reserve: taskHandler(trip, async (input) => ({ id: `res-${input.trip}` })),
    charge: taskHandler(trip, async (_input, ctx) => charge(ctx.attempt)),
    release: taskHandler(z.object({ input: trip, output: z.object({ id: z.string() }) }), async () => ({})),
  };
}

describe('createTestEnvironment', () => {
  test('a 30-day trial expires when the virtual clock passes its deadline, not a millisecond before', () => {
    const env = createTestEnvironment({ workflows: [trial] });
    const started = env.start('trial', 'acct-1', { plan: 'pro' });
    expect(started).toMatchObject({ state: 'trialling', status: 'running', seq: 1 });
    expect(env.timers('acct-1')).toEqual([
      expect.objectContaining({ kind: 'timeout', dueAt: env.now() + 30 * DAY }),
    ]);

    expect(env.advance(30 * DAY - 1)).toEqual([]);
    expect(env.instance('acct-1').state).toBe('trialling');

    const fired = env.advance(1);
    expect(fired).toEqual([expect.objectContaining({ kind: 'timeout', decision: 'applied' })]);
    expect(env.instance('acct-1')).toMatchObject({
      state: 'expired',
      status: 'timed_out',
      seq: 2,
      timers: [],
    });
    expect(env.history('acct-1').map((t) => [t.event, t.from, t.to])).toEqual([
      ['start', null, 'trialling'],
      ['timeout', 'trialling', 'expired'],
    ]);
  });

  test('a signal before the deadline wins and the deadline never fires', () => {
    const env = createTestEnvironment({ workflows: [trial] });
    env.start('trial', 'acct-1', { plan: 'pro' });
    env.advance(29 * DAY);
    const result = env.signal('acct-1', 'subscribe', { card: '4242' });
    expect(result.decision.kind).toBe('applied');
    expect(result.instance).toMatchObject({ state: 'subscribed', status: 'completed' });
    expect(env.advance(365 * DAY)).toEqual([]);
    expect(env.history('acct-1').at(-1)?.at).toBe(env.now() - 365 * DAY);
  });

  test('timers of several instances fire in due order, each at its due time', () => {
    const env = createTestEnvironment({ workflows: [trial] });
    env.start('trial', 'late', { plan: 'pro' });
    env.advance(DAY);
    env.start('trial', 'later', { plan: 'pro' });
    const fired = env.advanceTo(env.now() + 40 * DAY);
    expect(fired.map((f) => f.correlationId)).toEqual(['late', 'later']);
    expect(env.history('late').at(-1)?.at).toBe(fired[0]?.dueAt);
    expect(env.history('later').at(-1)?.at).toBe(fired[1]?.dueAt);
  });

  test('timers that fire without time moving on are a loop, not a hang', () => {
    const restless = setup({ types: {} as { context: null }, input: z.null(), events: {}, tasks: {} }).define(
      {
        name: 'restless',
        version: 1,
        initial: 'waiting',
        context: () => null,
        states: { waiting: { after: { ms: 0, target: 'waiting' } }, done: { final: 'completed' } },
      },
    );
    const env = createTestEnvironment({ workflows: [restless] });
    env.start('restless', 'r', null);
    expect(() => env.advance(1)).toThrow(/r fired more than 1000 timers at \d+: a timer loop/);
  });

  test('settings pick the version new instances start on, as a rollout rule would', () => {
    const versioned = (version: number) =>
      setup({ types: {} as { context: null }, input: z.null(), events: {}, tasks: {} }).define({
        name: 'versioned',
        version,
        initial: 'done',
        context: () => null,
        states: { done: { final: 'completed' } },
      });
    const workflows = [versioned(1), versioned(2)];
    const latest = createTestEnvironment({ workflows });
    expect(latest.start('versioned', 'a', null).version).toBe(2);
    const pinned = createTestEnvironment({
      workflows,
      settings: { versioned: { rollout: { kind: 'pinned', version: 1 } } },
    });
    expect(pinned.start('versioned', 'a', null).version).toBe(1);
    expect(pinned.start('versioned', 'b', null, { version: 2 }).version).toBe(2);
    expect(() => pinned.start('versioned', 'c', null, { version: 3 })).toThrow(/unknown-version/);
  });

  test('a repeated command id is a duplicate and changes nothing', () => {
    const env = createTestEnvironment({ workflows: [trial] });
    env.start('trial', 'acct-1', { plan: 'pro' });
    const first = env.signal('acct-1', 'remind', {}, { commandId: 'remind-1' });
    const again = env.signal('acct-1', 'remind', {}, { commandId: 'remind-1' });
    expect(first.decision.kind).toBe('applied');
    expect(again.decision).toEqual({ kind: 'duplicate', original: { kind: 'applied', seq: 2 } });
    expect(again.instance).toBe(first.instance);
    expect(env.tasks('acct-1').map((t) => t.type)).toEqual(['send-reminder']);
  });

  test('refusals production would dead-letter are errors that say why', () => {
    const env = createTestEnvironment({ workflows: [trial] });
    expect(() => env.start('trail', 'a', { plan: 'pro' })).toThrow(/no workflow trail \(known: trial\)/);
    expect(() => env.start('trial', 'a', { plan: '' })).toThrow(RefusedCommandError);
    expect(() => env.start('trial', 'a', { plan: '' })).toThrow(/invalid-payload/);
    expect(() => env.signal('nobody', 'remind')).toThrow(UnknownInstanceError);
    env.start('trial', 'a', { plan: 'pro' });
    expect(() => env.signal('a', 'subscribe', { card: '1' })).toThrow(/invalid-payload/);
    expect(() => env.signal('a', 'unsubscribe')).toThrow(/has no event "unsubscribe"/);
    expect(() => env.start('trial', 'a', { plan: 'pro' })).toThrow(/already-started/);
    expect(() => env.advance(-1)).toThrow(ClockError);
    expect(() => env.advanceTo(0)).toThrow(/never goes back/);
  });

  test('rejections the instance records are answered, not thrown', () => {
    const env = createTestEnvironment({ workflows: [trial] });
    env.start('trial', 'a', { plan: 'pro' });
    env.signal('a', 'subscribe', { card: '4242' });
    const late = env.signal('a', 'remind');
    expect(late.decision).toMatchObject({ kind: 'rejected', reason: { code: 'finished' } });
    expect(env.log('a').at(-1)).toMatchObject({ kind: 'rejection' });
  });

  test('tasks are answered by type when one is pending, by id otherwise', () => {
    const env = createTestEnvironment({ workflows: [trial] });
    env.start('trial', 'a', { plan: 'pro' });
    env.start('trial', 'b', { plan: 'pro' });
    env.signal('a', 'remind');
    env.signal('b', 'remind');
    expect(() => env.completeTask('send-reminder', {})).toThrow(TaskLookupError);
    expect(() => env.completeTask('send-invoice', {})).toThrow(/no pending task has id or type send-invoice/);
    const [forA] = env.tasks('a');
    env.completeTask(forA!.id, { sent: true });
    expect(env.tasks().map((t) => t.correlationId)).toEqual(['b']);
    env.completeTask('send-reminder', { sent: true });
    expect(env.tasks()).toEqual([]);
  });

  test('identical scenarios produce identical ids and histories', () => {
    const run = () => {
      const env = createTestEnvironment({ workflows: [booking] });
      env.start('booking', 'trip-1', { trip: 'rome' });
      env.failTask('reserve', { message: 'busy' });
      env.advance(1_000);
      env.completeTask('reserve', { id: 'r-1' });
      return env.history('trip-1');
    };
    expect(run()).toEqual(run());
  });
});

describe('createTestEnvironment with handlers', () => {
  test('runTasks runs the real handlers, waiting out retry backoffs on the virtual clock', async () => {
    const env = createTestEnvironment({
      workflows: [booking],
      handlers: bookingHandlers(async (attempt) => {
        if (attempt < 3) throw new RetryableTaskError('gateway timeout', 'timeout');
        return { paid: true };
      }),
    });
    const t0 = env.now();
    env.start('booking', 'trip-1', { trip: 'rome' });
    const runs = await env.runTasks();
    expect(runs.map((r) => [r.task.type, r.task.attempt, r.result.kind])).toEqual([
      ['reserve', 1, 'succeeded'],
      ['charge', 1, 'retryable'],
      ['charge', 2, 'retryable'],
      ['charge', 3, 'succeeded'],
    ]);
    expect(env.instance('trip-1')).toMatchObject({
      state: 'booked',
      status: 'completed',
      context: { reservation: 'res-rome' },
    });
    // Two fixed 60 s backoffs without jitter: the clock moved exactly that far.
    expect(env.now() - t0).toBe(120_000);
  });

  test('a fatal failure compensates the completed steps, latest first', async () => {
    const env = createTestEnvironment({
      workflows: [booking],
      handlers: bookingHandlers(async () => {
        throw new FatalTaskError('card declined', 'declined');
      }),
    });
    env.start('booking', 'trip-1', { trip: 'rome' });
    await env.runTasks();
    expect(env.instance('trip-1')).toMatchObject({
      state: 'compensated',
      status: 'compensated',
      completed: [],
      context: { failure: 'card declined' },
    });
    expect(env.emitted('trip-1').map((t) => [t.type, t.kind])).toEqual([
      ['reserve', 'action'],
      ['charge', 'action'],
      ['release', 'compensation'],
    ]);
    expect(env.emitted('trip-1')[2]?.input).toEqual({ input: { trip: 'rome' }, output: { id: 'res-rome' } });
  });

  test('retries run out as the policy says, then the error path is taken', async () => {
    const env = createTestEnvironment({
      workflows: [booking],
      handlers: bookingHandlers(async () => {
        throw new Error('socket hang up');
      }),
    });
    env.start('booking', 'trip-1', { trip: 'rome' });
    const runs = await env.runTasks();
    expect(runs.filter((r) => r.task.type === 'charge').map((r) => r.result.kind)).toEqual([
      'retryable',
      'retryable',
      'retryable',
    ]);
    expect(env.instance('trip-1').status).toBe('compensated');
  });

  test('tasks without a handler stay pending for the test to answer', async () => {
    const handlers = bookingHandlers(async () => ({ paid: true }));
    const env = createTestEnvironment({
      workflows: [booking],
      handlers: { reserve: handlers['reserve']! },
    });
    env.start('booking', 'trip-1', { trip: 'rome' });
    await env.runTasks();
    expect(env.tasks().map((t) => t.type)).toEqual(['charge']);
    env.failTask('charge', { message: 'declined', fatal: true });
    expect(env.tasks().map((t) => t.type)).toEqual(['release']);
    expect(env.instance('trip-1').state).toBe('undoing');
  });

  test('a handler input its schema refuses fails the task fatally, as in the worker', async () => {
    const env = createTestEnvironment({
      workflows: [booking],
      handlers: { reserve: taskHandler(z.object({ city: z.string() }), async () => ({ id: 'x' })) },
    });
    env.start('booking', 'trip-1', { trip: 'rome' });
    const [run] = await env.runTasks();
    expect(run?.result).toMatchObject({ kind: 'fatal', error: { code: 'invalid-input' } });
    expect(env.instance('trip-1').status).toBe('failed');
  });

  test('runTasks without handlers is an error', async () => {
    const env = createTestEnvironment({ workflows: [booking] });
    await expect(env.runTasks()).rejects.toThrow(HandlerRunError);
  });

  test('a cancel while charging undoes the completed reservation', () => {
    const env = createTestEnvironment({ workflows: [booking] });
    env.start('booking', 'trip-1', { trip: 'rome' });
    env.completeTask('reserve', { id: 'r-9' });
    const cancelled = env.cancel('trip-1', 'changed my mind');
    expect(cancelled.instance.state).toBe('undoing');
    expect(env.tasks().map((t) => t.type)).toEqual(['release']);
    env.completeTask('release', {});
    expect(env.instance('trip-1').status).toBe('compensated');
  });

  test('guards see the environment the test sets', () => {
    const gated = setup({
      types: {} as { context: null },
      input: z.null(),
      events: { go: true },
      tasks: { work: {} },
    }).define({
      name: 'gated',
      version: 1,
      initial: 'waiting',
      context: () => null,
      states: {
        waiting: {
          on: {
            go: {
              target: 'done',
              guard: (_c, _p, env) =>
                env.taskHealth['work'] === 'down' ? verdict.defer(5_000) : verdict.allow,
            },
          },
        },
        done: { final: 'completed' },
      },
    });
    const env = createTestEnvironment({
      workflows: [gated],
      environment: { taskHealth: { work: 'down' }, inFlight: {} },
    });
    env.start('gated', 'g', null);
    expect(env.signal('g', 'go').decision).toEqual({ kind: 'deferred', until: env.now() + 5_000 });
    env.advance(5_000);
    expect(env.instance('g').state).toBe('waiting');
    env.setEnvironment({ taskHealth: {}, inFlight: {} });
    const [released] = env.advance(5_000);
    expect(released).toMatchObject({ kind: 'deferral', decision: 'applied' });
    expect(env.instance('g').status).toBe('completed');
  });
});
