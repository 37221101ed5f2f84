import type { Transition } from '../../core';
import { StateClock } from './state-clock';

const transition = (
  seq: number,
  from: string | null,
  to: string,
  at: number,
  status = 'running',
): Transition =>
  ({
    kind: 'transition',
    correlationId: 'order-1',
    seq,
    from,
    to,
    at,
    status,
    via: [],
  }) as unknown as Transition;

test('leaving a state answers the seconds since the transition that entered it', () => {
  const clock = new StateClock();
  expect(clock.advance(transition(1, null, 'validating', 1_000))).toBeNull();
  expect(clock.advance(transition(2, 'validating', 'reserving', 3_500))).toBe(2.5);
});

test('an internal transition does not leave the state, so the entry time stays', () => {
  const clock = new StateClock();
  clock.advance(transition(1, null, 'validating', 1_000));
  expect(clock.advance(transition(2, 'validating', 'validating', 2_000))).toBeNull();
  expect(clock.advance(transition(3, 'validating', 'reserving', 4_000))).toBe(3);
});

test('a state entered before the clock knew the instance falls back to its last change', () => {
  const clock = new StateClock();
  const instance = { correlationId: 'order-1', updatedAt: 7_000 } as Parameters<StateClock['enteredAt']>[0];
  expect(clock.enteredAt(instance)).toBe(7_000);
  expect(clock.advance(transition(5, 'shipping', 'completed', 9_000, 'completed'))).toBeNull();
});
