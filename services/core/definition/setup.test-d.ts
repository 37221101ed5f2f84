// Compile-time checks of the DSL: every misspelt state, event or task name below must be a type error.
import { z } from 'zod';
import { setup } from './setup';

const shop = setup({
  types: {} as { context: { count: number } },
  input: z.object({ count: z.number() }),
  events: { add: z.object({ by: z.number() }), reset: true },
  tasks: { charge: { compensation: { task: 'refund' } }, refund: {} },
});

shop.define({
  name: 'ok',
  version: 1,
  initial: 'open',
  context: (input) => ({ count: input.count }),
  cancel: 'closed',
  states: {
    open: {
      on: {
        add: { target: 'open', update: (ctx, payload) => ({ count: ctx.count + payload.by }) },
        reset: { update: () => ({ count: 0 }) },
      },
      invoke: { tasks: [{ task: 'charge' }], onDone: 'closed', onError: 'closed' },
      after: { ms: 10, target: 'closed' },
    },
    closed: { final: 'completed' },
  },
});

shop.define({
  name: 'bad-target',
  version: 1,
  initial: 'open',
  context: (input) => input,
  states: {
    // @ts-expect-error a target must name a declared state
    open: { on: { add: { target: 'opne' } } },
    closed: { final: 'completed' },
  },
});

shop.define({
  name: 'bad-initial',
  version: 1,
  // @ts-expect-error the initial state must be declared
  initial: 'nowhere',
  context: (input) => input,
  states: { open: {} },
});

shop.define({
  name: 'bad-event',
  version: 1,
  initial: 'open',
  context: (input) => input,
  states: {
    // @ts-expect-error an event must be declared in setup
    open: { on: { ad: { target: 'open' } } },
  },
});

shop.define({
  name: 'bad-task',
  version: 1,
  initial: 'open',
  context: (input) => input,
  states: {
    // @ts-expect-error a task must be declared in setup
    open: { invoke: { tasks: [{ task: 'charj' }], onDone: 'open', onError: 'open' } },
  },
});

shop.define({
  name: 'bad-after',
  version: 1,
  initial: 'open',
  context: (input) => input,
  states: {
    // @ts-expect-error a timeout target must be declared
    open: { after: { ms: 5, target: 'shut' } },
  },
});

shop.define({
  name: 'bad-payload',
  version: 1,
  initial: 'open',
  context: (input) => input,
  states: {
    // @ts-expect-error the payload type comes from the event's schema
    open: { on: { add: { update: (ctx, payload) => ({ count: ctx.count + payload.amount }) } } },
  },
});

shop.define({
  name: 'bad-cancel',
  version: 1,
  initial: 'open',
  context: (input) => input,
  // @ts-expect-error the cancel target must be declared
  cancel: 'gone',
  states: { open: {} },
});

setup({
  types: {} as { context: null },
  input: z.null(),
  events: {},
  // @ts-expect-error a compensation must name a declared task
  tasks: { charge: { compensation: { task: 'refnd' } } },
});
