// Signals: an event the current state handles goes through its guard (which sees the environment and may allow,
// reject, defer or cancel); an event it does not handle follows the definition's policy: reject, stash or ignore.
import { z } from 'zod';
import { createRegistry, setup, verdict, type Deferral, type Environment } from '../index';
import { Driver } from '../../../test/unit/core/driver';

const flow = setup({
  types: {} as { context: { heard: string[]; rush: boolean } },
  input: z.object({}),
  events: {
    knock: z.object({ who: z.string().min(1) }),
    whisper: true,
    shout: true,
    rush: z.object({}),
    alarm: true,
    open: true,
  },
  tasks: {},
});

/** `rush` asks a courier: wait while it is down, refuse while it is degraded. `alarm` cancels. */
const porch = flow.define({
  name: 'porch',
  version: 1,
  initial: 'closed',
  context: () => ({ heard: [], rush: false }),
  unaccepted: { knock: 'stash', whisper: 'ignore' },
  stashLimit: 2,
  cancel: 'cancelled',
  states: {
    closed: {
      after: { ms: 60_000, target: 'given-up' },
      on: {
        open: { target: 'open' },
        alarm: { guard: () => verdict.cancel('alarm raised') },
        rush: {
          guard: (_ctx, _payload, env) => {
            const courier = env.taskHealth['courier'] ?? 'up';
            if (courier === 'down') return verdict.defer(5_000);
            if (courier === 'degraded') return verdict.reject('courier degraded');
            return true;
          },
          update: (ctx) => ({ ...ctx, rush: true }),
        },
      },
    },
    open: { on: { knock: { update: (ctx, { who }) => ({ ...ctx, heard: [...ctx.heard, who] }) } } },
    'given-up': { final: 'timed_out' },
    cancelled: { final: 'cancelled' },
  },
});

const driver = () => new Driver(createRegistry([porch]), { workflow: 'porch', correlationId: 'p-1' });
const courier = (health: 'up' | 'degraded' | 'down'): Environment => ({
  taskHealth: { courier: health },
  inFlight: { courier: 3 },
});

describe('events the current state does not accept', () => {
  test('are rejected by default, and the rejection is recorded without moving the machine', () => {
    const d = driver();
    d.start({});
    const step = d.signal('shout');
    expect(step.decision).toEqual({
      kind: 'rejected',
      reason: { code: 'not-accepted', message: 'shout is not accepted in closed' },
    });
    expect(step.records).toEqual([expect.objectContaining({ kind: 'rejection', commandId: 'cmd-2' })]);
    expect(d.instance?.seq).toBe(1);
  });

  test('are ignored when their policy says so, and the dismissal is still recorded for dedupe', () => {
    const d = driver();
    d.start({});
    const step = d.signal('whisper');
    expect(step.decision).toEqual({ kind: 'ignored', note: 'whisper is ignored in closed' });
    expect(step.records).toEqual([expect.objectContaining({ kind: 'ignored', commandId: 'cmd-2' })]);
    expect(d.instance?.dedupe.at(-1)).toMatchObject({ commandId: 'cmd-2', outcome: { kind: 'ignored' } });
    expect(d.instance?.seq).toBe(1);
  });

  test('are stashed when their policy says so, and refused as stash-full beyond the stash limit', () => {
    const d = driver();
    d.start({});
    expect(d.signal('knock', { who: 'ann' }).decision).toEqual({ kind: 'stashed' });
    expect(d.signal('knock', { who: 'bob' }).decision).toEqual({ kind: 'stashed' });
    expect(d.instance?.stash.map((s) => s.command.commandId)).toEqual(['cmd-2', 'cmd-3']);
    expect(d.signal('knock', { who: 'cy' }).decision).toMatchObject({
      kind: 'rejected',
      reason: { code: 'stash-full' },
    });
    expect(d.instance?.stash).toHaveLength(2);
  });
});

test('a payload that fails the event schema is rejected unrecorded, for the dead-letter topic', () => {
  const d = driver();
  d.start({});
  const step = d.signal('knock', { who: '' });
  expect(step.decision).toMatchObject({ kind: 'rejected', reason: { code: 'invalid-payload' } });
  expect(step.records).toEqual([]);
  expect(d.instance?.stash).toEqual([]);
});

describe('guards', () => {
  test('see the environment, and the transition records the snapshot they saw', () => {
    const d = driver();
    d.start({});
    d.env = courier('up');
    const step = d.signal('rush', {});
    expect(step.records).toEqual([
      expect.objectContaining({
        kind: 'transition',
        event: 'rush',
        env: d.env,
        context: { heard: [], rush: true },
      }),
    ]);
  });

  test('may reject: the rejection is recorded with the environment', () => {
    const d = driver();
    d.start({});
    d.env = courier('degraded');
    const step = d.signal('rush', {});
    expect(step.decision).toEqual({
      kind: 'rejected',
      reason: { code: 'guard-rejected', message: 'courier degraded' },
    });
    expect(step.records).toEqual([expect.objectContaining({ kind: 'rejection', env: d.env })]);
    expect(d.instance?.context).toMatchObject({ rush: false });
  });

  test('may defer: a deferral timer brings the command back through the command stream and it applies then', () => {
    const d = driver();
    d.start({});
    d.env = courier('down');
    const deferred = d.signal('rush', {});
    expect(deferred.decision).toEqual({ kind: 'deferred', until: d.now + 5_000 });
    const deferral = deferred.records[0] as Deferral;
    expect(deferral).toMatchObject({ kind: 'deferral', commandId: 'cmd-2', env: d.env });
    expect(deferral.timers.set).toEqual([
      expect.objectContaining({ kind: 'deferral', dueAt: d.now + 5_000 }),
    ]);
    expect(d.advance(4_999)).toEqual([]);
    d.env = courier('up');
    const [released] = d.advance(1);
    expect(released?.records).toEqual([
      expect.objectContaining({
        kind: 'transition',
        event: 'rush',
        commandId: 'cmd-2',
        causation: expect.stringMatching(/^timer:/),
      }),
    ]);
    // The deferral timer is consumed; the state's own timer stays.
    expect(d.instance).toMatchObject({
      timers: [expect.objectContaining({ kind: 'timeout' })],
      context: { rush: true },
    });
    const original = d.instance?.dedupe.find((e) => e.commandId === 'cmd-2');
    expect(original?.outcome).toEqual({ kind: 'applied', seq: 2 });
  });

  test('may cancel the instance: it moves to the cancel target in one transition', () => {
    const d = driver();
    d.start({});
    const step = d.signal('alarm');
    expect(step.records).toEqual([
      expect.objectContaining({ kind: 'transition', event: 'alarm', from: 'closed', to: 'cancelled' }),
    ]);
    expect(d.instance).toMatchObject({ status: 'cancelled', timers: [] });
  });
});
