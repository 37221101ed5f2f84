// The smallest workflow: one state, one event that updates the context. For tests of the core's plumbing.
import { z } from 'zod';
import { setup } from '../../../services/core';

export const light = setup({
  types: {} as { context: { on: boolean } },
  input: z.object({}),
  events: { flip: true },
  tasks: {},
}).define({
  name: 'light',
  version: 1,
  initial: 'off',
  context: () => ({ on: false }),
  states: { off: { on: { flip: { update: () => ({ on: true }) } } } },
});
