import { LruMap } from './lru-map';

test('the least recently used entry is forgotten first, and a read counts as a use', () => {
  const map = new LruMap<string, number>(2);
  map.set('a', 1);
  map.set('b', 2);
  expect(map.get('a')).toBe(1);
  map.set('c', 3);
  expect([map.get('a'), map.get('b'), map.get('c')]).toEqual([1, undefined, 3]);
  expect(map.size).toBe(2);
});

test('a capacity below one is refused', () => {
  expect(() => new LruMap(0)).toThrow(RangeError);
});
