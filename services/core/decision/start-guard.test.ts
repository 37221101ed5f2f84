// A start guard sees the input and the environment: above a limit of tasks in flight it refuses new instances,
// below it lets them start, and the start transition records what it saw.
import { z } from 'zod';
import { createRegistry, decide, parseCommand, setup, verdict, type Environment } from '../index';

const LIMIT = 3;
const shipping = setup({
  types: {} as { context: { n: number } },
  input: z.object({ n: z.number() }),
  events: {},
  tasks: { ship: {} },
}).define({
  name: 'shipping',
  version: 1,
  initial: 'shipping',
  context: (input) => ({ n: input.n }),
  startGuard: (_input, env) =>
    (env.inFlight['ship'] ?? 0) >= LIMIT ? verdict.reject(`more than ${LIMIT} shipments in flight`) : true,
  states: {
    shipping: { invoke: { tasks: [{ task: 'ship' }], onDone: 'done', onError: 'done' } },
    done: { final: 'completed' },
  },
});
const registry = createRegistry([shipping]);
const env = (inFlight: number): Environment => ({ taskHealth: { ship: 'up' }, inFlight: { ship: inFlight } });
const start = parseCommand({
  type: 'start',
  commandId: 's1',
  correlationId: 'o1',
  workflow: 'shipping',
  actor: 'test',
  timestamp: 1,
  input: { n: 1 },
});
if (!start.ok) throw new Error(start.message);

test('a start guard refuses a start at the in-flight limit and leaves no instance', () => {
  const step = decide(registry, undefined, start.command, 10, env(LIMIT));
  expect(step.decision).toEqual({
    kind: 'rejected',
    reason: { code: 'guard-rejected', message: 'more than 3 shipments in flight' },
  });
  expect(step.records).toEqual([]);
  expect(step.instance).toBeUndefined();
});

test('below the limit the instance starts and its first transition records the environment the guard saw', () => {
  const step = decide(registry, undefined, start.command, 10, env(LIMIT - 1));
  expect(step.decision.kind).toBe('applied');
  expect(step.records[0]).toMatchObject({ kind: 'transition', seq: 1, env: env(LIMIT - 1) });
  expect(step.tasks).toHaveLength(1);
});
