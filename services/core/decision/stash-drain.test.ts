// Releasing the stash: once a command moves the machine into a state that accepts stashed events, each is
// decided as its own command, oldest first, caused by the command that released it.
import { z } from 'zod';
import { createRegistry, setup, type Transition } from '../index';
import { Driver } from '../../../test/unit/core/driver';

const flow = setup({
  types: {} as { context: { heard: string[] } },
  input: z.object({}),
  events: { knock: z.object({ who: z.string() }), ring: true, open: true, lock: true },
  tasks: {},
});

const door = flow.define({
  name: 'door',
  version: 1,
  initial: 'closed',
  context: () => ({ heard: [] }),
  unaccepted: { knock: 'stash', ring: 'stash' },
  states: {
    closed: { on: { open: { target: 'ajar' } } },
    ajar: { on: { lock: { target: 'open' } } },
    open: {
      on: {
        knock: { update: (ctx, { who }) => ({ heard: [...ctx.heard, who] }) },
        ring: { update: (ctx) => ({ heard: [...ctx.heard, 'bell'] }) },
      },
    },
  },
});

const driver = () => new Driver(createRegistry([door]), { workflow: 'door', correlationId: 'd-1' });

test('stashed events are applied once a later state accepts them, in arrival order, after the transition that released them', () => {
  const d = driver();
  d.start({});
  d.signal('knock', { who: 'ann' });
  d.signal('ring');
  d.signal('knock', { who: 'bob' });
  const released = d.signal('open');
  expect(released.decision.kind).toBe('applied');
  expect(d.instance?.stash).toHaveLength(3);
  const arrival = d.signal('lock');
  expect(arrival.decision.kind).toBe('applied');
  const transitions = arrival.records as Transition[];
  expect(transitions.map((t) => [t.commandId, t.event, t.to, t.causation])).toEqual([
    ['cmd-6', 'lock', 'open', null],
    ['cmd-2', 'knock', 'open', 'cmd-6'],
    ['cmd-3', 'ring', 'open', 'cmd-6'],
    ['cmd-4', 'knock', 'open', 'cmd-6'],
  ]);
  expect(transitions.map((t) => t.seq)).toEqual([3, 4, 5, 6]);
  expect(d.instance).toMatchObject({ stash: [], context: { heard: ['ann', 'bell', 'bob'] } });
});

test('each released event is remembered under its own command id, so a late copy of it is a duplicate', () => {
  const d = driver();
  d.start({});
  const knock = { ...d.envelope(), type: 'signal', event: 'knock', payload: { who: 'ann' } };
  d.send(knock);
  d.signal('open');
  d.signal('lock');
  expect(d.send(knock).decision).toEqual({ kind: 'duplicate', original: { kind: 'applied', seq: 4 } });
  expect(d.instance?.context).toEqual({ heard: ['ann'] });
});
