import { indexKeys } from './index-keys';
import { planSearch } from './search-plan';
import type { SearchFilter } from './search-query';

const keys = indexKeys('sw');
const none = { started: {}, updated: {} };
const filter = (more: Partial<SearchFilter>): SearchFilter => ({ ...none, ...more });

test('no filter reads the sort order alone', () => {
  expect(planSearch(filter({}), 'updated', null, keys)).toEqual({
    kind: 'read',
    sorted: { key: keys.updated, range: {} },
    sets: [],
    anyOf: [],
  });
});

test('workflow, version and state read the one set combining them', () => {
  const plan = planSearch(filter({ workflow: 'order', version: 2, state: 'paid' }), 'updated', null, keys);
  expect(plan).toMatchObject({ sets: [keys.state('paid', 'order', 2)], anyOf: [] });
});

test('workflow and status without version read the workflow-wide status set', () => {
  const plan = planSearch(filter({ workflow: 'order', status: 'running' }), 'started', null, keys);
  expect(plan).toMatchObject({ sets: [keys.status('running', 'order')], sorted: { key: keys.started } });
});

test('a workflow alone, or with a version, reads its own set', () => {
  expect(planSearch(filter({ workflow: 'order' }), 'updated', null, keys)).toMatchObject({
    sets: [keys.workflow('order')],
  });
  expect(planSearch(filter({ workflow: 'order', version: 3 }), 'updated', null, keys)).toMatchObject({
    sets: [keys.version('order', 3)],
  });
});

test('state and status across workflows intersect the global sets', () => {
  const plan = planSearch(filter({ state: 'paid', status: 'running' }), 'updated', null, keys);
  expect(plan).toMatchObject({ sets: [keys.state('paid'), keys.status('running')] });
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
});

test('a scoped caller without a workflow filter sees the union of its workflows', () => {
  const plan = planSearch(filter({ state: 'paid' }), 'updated', ['a', 'b'], keys);
  expect(plan).toMatchObject({ anyOf: [keys.workflow('a'), keys.workflow('b')], sets: [keys.state('paid')] });
});

test("a scoped caller's filter on its own workflow needs no union; on another workflow it matches nothing", () => {
  expect(planSearch(filter({ workflow: 'a' }), 'updated', ['a'], keys)).toMatchObject({
    anyOf: [],
    sets: [keys.workflow('a')],
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
