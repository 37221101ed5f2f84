import type { Transition } from '../../core';
import { dwellBucket } from './dwell-histogram';
import { field } from './figure-keys';
import { transitionIncrements } from './transition-increments';

const transition = (over: Partial<Transition>): Transition =>
  ({ from: 'a', via: [], to: 'b', at: 10_000, status: 'running', ...over }) as Transition;

describe('transitionIncrements', () => {
  test('a start counts a start and no edge', () => {
    expect(transitionIncrements(transition({ from: null }), undefined)).toEqual(
      new Map([[field.flow('start'), 1]]),
    );
  });

  test('a move counts each edge it passed through and the dwell in the state it left', () => {
    const before = { state: 'a', status: 'running', updatedAt: 4_000 };
    expect(transitionIncrements(transition({ via: ['c', 'b'] }), before)).toEqual(
      new Map([
        [field.edge('a', 'c'), 1],
        [field.edge('c', 'b'), 1],
        [field.dwell('a', dwellBucket(6_000)), 1],
      ]),
    );
  });

  test('a move straight to its target counts that one edge', () => {
    expect(transitionIncrements(transition({}), undefined)).toEqual(new Map([[field.edge('a', 'b'), 1]]));
  });

  test('finishing counts the status once; a state name with a colon stays one field', () => {
    const before = { state: 'x:y', status: 'running', updatedAt: 9_000 };
    const done = transitionIncrements(transition({ from: 'x:y', status: 'completed' }), before);
    expect(done.get(field.flow('completed'))).toBe(1);
    expect(done.get(field.edge('x:y', 'b'))).toBe(1);
    const again = transitionIncrements(transition({ from: 'b', status: 'completed' }), {
      ...before,
      state: 'b',
      status: 'completed',
    });
    expect(again.has(field.flow('completed'))).toBe(false);
  });
});
