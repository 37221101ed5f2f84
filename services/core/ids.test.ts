// Derived ids: a task is `correlationId/incarnation/seq/index` (the transition that opened it and its place in
// it), each attempt a run `taskId#attempt`; the incarnation is fixed by the start command.
import { z } from 'zod';
import { createRegistry, incarnationOf, runIdOf, setup, taskIdOf } from './index';
import { Driver } from '../../test/unit/core/driver';

const pair = setup({
  types: {} as { context: Record<string, never> },
  input: z.object({}),
  events: { go: true },
  tasks: { left: {}, right: {} },
}).define({
  name: 'pair',
  version: 3,
  initial: 'idle',
  context: () => ({}),
  states: {
    idle: { on: { go: { target: 'both' } } },
    both: { invoke: { tasks: [{ task: 'left' }, { task: 'right' }], onDone: 'done', onError: 'done' } },
    done: { final: 'completed' },
  },
});

test('task ids are correlationId/incarnation/seq/index and run ids taskId#attempt', () => {
  const d = new Driver(createRegistry([pair]), { workflow: 'pair', correlationId: 'p-1' });
  d.start({}, { commandId: 'start-p-1' });
  const life = d.instance?.incarnation;
  expect(life).toMatch(/^[0-9a-f]{10}$/);
  expect(life).toBe(incarnationOf('start-p-1', d.now));
  const [left, right] = d.signal('go').tasks;
  expect(left).toMatchObject({
    taskId: `p-1/${life}/2/0`,
    runId: `p-1/${life}/2/0#1`,
    attempt: 1,
    kind: 'action',
    type: 'left',
    correlationId: 'p-1',
    workflow: 'pair',
    version: 3,
  });
  expect(right).toMatchObject({ taskId: `p-1/${life}/2/1`, runId: `p-1/${life}/2/1#1`, type: 'right' });
});

test('an instance without an incarnation keeps the older correlationId/seq/index form', () => {
  expect(taskIdOf('p-1', null, 2, 1)).toBe('p-1/2/1');
  expect(runIdOf(taskIdOf('p-1', 'abc', 2, 1), 4)).toBe('p-1/abc/2/1#4');
});

test('the incarnation depends on the start command’s id and timestamp only', () => {
  expect(incarnationOf('s', 1)).toBe(incarnationOf('s', 1));
  expect(incarnationOf('s', 1)).not.toBe(incarnationOf('s', 2));
  expect(incarnationOf('s', 1)).not.toBe(incarnationOf('t', 1));
});
