import { indexKeys } from './index-keys';
import { planSearch } from './search-plan';
import type { SearchFilter } from './search-query';

const keys = indexKeys('sw');
const none = { started: {}, updated: {} };
const filter = (more: Partial<SearchFilter>): SearchFilter => ({ ...none, ...more });
const byUpdate = (set: string) => keys.sortedBy(set, 'updated');

test('no filter reads the global sorted set of the sort time alone', () => {
  expect(planSearch(filter({}), 'updated', null, keys)).toEqual({
    kind: 'read',
    sorted: { key: keys.updated, range: {} },
    sets: [],
    anyOf: [],
  });
  expect(planSearch(filter({}), 'started', null, keys)).toMatchObject({ sorted: { key: keys.started } });
});

test('workflow, version and state read the one sorted set combining them, nothing to intersect', () => {
  const plan = planSearch(filter({ workflow: 'order', version: 2, state: 'paid' }), 'updated', null, keys);
  expect(plan).toMatchObject({
    sorted: { key: byUpdate(keys.state('paid', 'order', 2)) },
    sets: [],
    anyOf: [],
  });
});

test('workflow and status without version read the workflow-wide status set, by the sort time', () => {
  const plan = planSearch(filter({ workflow: 'order', status: 'running' }), 'started', null, keys);
  expect(plan).toMatchObject({ sorted: { key: keys.sortedBy(keys.status('running', 'order'), 'started') } });
});

test('a workflow alone, or with a version, reads its own sorted set', () => {
  expect(planSearch(filter({ workflow: 'order' }), 'updated', null, keys)).toMatchObject({
    sorted: { key: byUpdate(keys.workflow('order')) },
    sets: [],
  });
  expect(planSearch(filter({ workflow: 'order', version: 3 }), 'updated', null, keys)).toMatchObject({
    sorted: { key: byUpdate(keys.version('order', 3)) },
  });
});

test('state and status across workflows intersect the two global sets', () => {
  const plan = planSearch(filter({ state: 'paid', status: 'running' }), 'updated', null, keys);
  expect(plan).toMatchObject({
    sorted: { key: byUpdate(keys.state('paid')) },
    sets: [byUpdate(keys.status('running'))],
  });
});

test('a bound on the other time adds its sorted set; the sort time bounds the page range', () => {
  const plan = planSearch(
    filter({ started: { from: 5 }, updated: { from: 1, to: 9 } }),
    'updated',
    null,
    keys,
  );
  expect(plan).toMatchObject({
    sorted: { key: keys.updated, range: { from: 1, to: 9 } },
    other: { key: keys.started, range: { from: 5 } },
  });
  expect(planSearch(filter({ updated: { from: 1 } }), 'updated', null, keys)).not.toHaveProperty('other');
});

test('a scoped caller without a workflow filter sees the union of its workflows', () => {
  const plan = planSearch(filter({ state: 'paid' }), 'updated', ['a', 'b'], keys);
  expect(plan).toMatchObject({
    anyOf: [byUpdate(keys.workflow('a')), byUpdate(keys.workflow('b'))],
    sorted: { key: byUpdate(keys.state('paid')) },
  });
});

test("a scoped caller's filter on its own workflow needs no union; on another workflow it matches nothing", () => {
  expect(planSearch(filter({ workflow: 'a' }), 'updated', ['a'], keys)).toMatchObject({
    anyOf: [],
    sorted: { key: byUpdate(keys.workflow('a')) },
  });
  expect(planSearch(filter({ workflow: 'b' }), 'updated', ['a'], keys)).toEqual({ kind: 'empty' });
  expect(planSearch(filter({}), 'updated', [], keys)).toEqual({ kind: 'empty' });
});

test('a colon in a name cannot make two keys meet', () => {
  expect(keys.state('b:c', 'a')).not.toBe(keys.state('c', 'a:b'));
});

test('the id prefix is carried to the index', () => {
  expect(planSearch(filter({ idPrefix: 'ord' }), 'updated', null, keys)).toMatchObject({ idPrefix: 'ord' });
});
