// Instances hold no list or applied outcome of their own when one shared value will do: a partition keeps them by
// the million, and each empty list or outcome object of its own costs an idle instance tens of bytes.
import { appliedAt, createRegistry, evolve, NO_ITEMS } from '../index';
import { Driver } from '../../../test/unit/core/driver';
import { light } from '../../../test/unit/core/light';

const started = () => {
  const d = new Driver(createRegistry([light]), { workflow: 'light', correlationId: 'lamp-1' });
  return { d, step: d.start({}) };
};

test('a started instance shares the empty lists and the outcome of its start', () => {
  const { step } = started();
  const instance = step.instance!;
  expect(instance.openTasks).toBe(NO_ITEMS);
  expect(instance.completed).toBe(NO_ITEMS);
  expect(instance.stash).toBe(NO_ITEMS);
  expect(instance.timers).toBe(NO_ITEMS);
  expect(instance.dedupe[0]?.outcome).toBe(appliedAt(1));
});

test('the instance replayed from its records shares them too, and a later transition keeps them shared', () => {
  const { d, step } = started();
  const flipped = d.signal('flip', {});
  const replayed = evolve(evolve(undefined, step.records[0]!), flipped.records[0]!)!;
  expect(replayed.context).toEqual({ on: true });
  expect(replayed.openTasks).toBe(NO_ITEMS);
  expect(replayed.stash).toBe(NO_ITEMS);
  expect(replayed.dedupe.map((entry) => entry.outcome)).toEqual([appliedAt(1), appliedAt(2)]);
  expect(replayed.dedupe[1]?.outcome).toBe(appliedAt(2));
});

test('the shared outcomes cannot be changed, and the shared list stays empty', () => {
  started();
  expect(NO_ITEMS).toHaveLength(0);
  expect(Object.isFrozen(appliedAt(7))).toBe(true);
  expect(appliedAt(5000)).toEqual({ kind: 'applied', seq: 5000 });
});
