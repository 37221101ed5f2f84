// The benchmark workflow: two sequential tasks and nothing else, so the measured cost is the machinery's.
import { z } from 'zod';
import { setup } from '../../services/core';

export const BENCH_FLOW = 'bench-flow';

export interface BenchContext {
  id: string;
  amount: number;
}

export const benchFlow = setup({
  types: {} as { context: BenchContext },
  input: z.object({ id: z.string(), amount: z.number() }),
  events: {},
  tasks: {
    validate: { retry: { maxAttempts: 3, backoff: { kind: 'fixed', ms: 100 } } },
    charge: { retry: { maxAttempts: 3, backoff: { kind: 'fixed', ms: 100 } } },
  },
}).define({
  name: BENCH_FLOW,
  version: 1,
  initial: 'validating',
  context: (input) => input,
  states: {
    validating: { invoke: { tasks: [{ task: 'validate' }], onDone: 'charging', onError: 'failed' } },
    charging: { invoke: { tasks: [{ task: 'charge' }], onDone: 'completed', onError: 'failed' } },
    completed: { final: 'completed' },
    failed: { final: 'failed' },
  },
});
