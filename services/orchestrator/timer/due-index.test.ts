// The due index answers exactly what a scan of every instance's due time would, whatever the order of changes.
import fc from 'fast-check';
import { DueIndex } from './due-index';

test('due ids stay due until rescheduled or removed; a later time leaves them out until it passes', () => {
  const index = new DueIndex();
  index.set('a', 100);
  index.set('b', 200);
  index.set('c', 50);
  expect(index.dueAt(10)).toEqual([]);
  expect(index.dueAt(100).sort()).toEqual(['a', 'c']);
  expect(index.dueAt(150).sort()).toEqual(['a', 'c']);
  index.set('a', 1_000);
  index.delete('c');
  expect(index.dueAt(200)).toEqual(['b']);
  expect(index.dueAt(1_000).sort()).toEqual(['a', 'b']);
  expect(index.size).toBe(2);
});

type Step =
  | { readonly kind: 'set'; readonly id: number; readonly at: number }
  | { readonly kind: 'delete'; readonly id: number }
  | { readonly kind: 'ask'; readonly now: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), id: fc.nat(30), at: fc.nat(1_000) }),
  fc.record({ kind: fc.constant('delete' as const), id: fc.nat(30) }),
  fc.record({ kind: fc.constant('ask' as const), now: fc.nat(1_000) }),
);

test('after any sequence of changes, the ids due are those a full scan finds', () => {
  fc.assert(
    fc.property(fc.array(step, { maxLength: 3_000 }), (steps) => {
      const index = new DueIndex();
      const model = new Map<string, number>();
      for (const s of steps) {
        if (s.kind === 'set') {
          index.set(`i-${s.id}`, s.at);
          model.set(`i-${s.id}`, s.at);
        } else if (s.kind === 'delete') {
          index.delete(`i-${s.id}`);
          model.delete(`i-${s.id}`);
        } else {
          const expected = [...model].filter(([, at]) => at <= s.now).map(([id]) => id);
          expect(index.dueAt(s.now).sort()).toEqual(expected.sort());
        }
      }
      expect(index.size).toBe(model.size);
    }),
    { numRuns: 200 },
  );
});

test('instances rescheduled many times over are still found once due, with their old entries compacted away', () => {
  const index = new DueIndex();
  for (let round = 0; round < 5_000; round++) {
    index.set(`i-${round % 3}`, 10_000 + round);
    if (round % 500 === 0) expect(index.dueAt(round)).toEqual([]);
  }
  index.set('overdue', 5);
  expect(index.dueAt(5)).toEqual(['overdue']);
  for (let round = 0; round < 3_000; round++) index.set('churn', 20_000 + round);
  expect(index.dueAt(14_998).sort()).toEqual(['i-0', 'i-2', 'overdue']);
  expect(index.dueAt(30_000).sort()).toEqual(['churn', 'i-0', 'i-1', 'i-2', 'overdue']);
});
