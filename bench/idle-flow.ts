// The idle bench's workflow module: one workflow whose instances wait, for an event or a 30-day timer, so that
// each instance costs only what a waiting instance holds (its state, its timer, its dedupe window).
import { z } from 'zod';
import { setup } from '../services/core';

export const IDLE_FLOW = 'idle-flow';

const THIRTY_DAYS_MS = 30 * 24 * 60 * 60_000;

const idleFlow = setup({
  types: {} as { context: { id: string } },
  input: z.object({ id: z.string() }),
  events: { go: z.object({}) },
  tasks: {},
}).define({
  name: IDLE_FLOW,
  version: 1,
  initial: 'waiting',
  context: (input) => input,
  states: {
    waiting: { after: { ms: THIRTY_DAYS_MS, target: 'expired' }, on: { go: { target: 'done' } } },
    done: { final: 'completed' },
    expired: { final: 'timed_out' },
  },
});

export const workflows = [idleFlow];
