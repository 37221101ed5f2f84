// A partition's state holding instances restored as stored: each is counted, indexed and reported from its outline
// and decoded once, the first time it is asked for.
import type { Instance } from '../../core';
import {
  encodeSnapshotRecord,
  readSnapshotRecord,
  StoredInstance,
} from '../../platform/redis/snapshot-record';
import { StoredInstanceError } from '../../platform/redis/stored-instance-error';
import { PartitionState } from './partition-state';

const DAY_MS = 86_400_000;

function idle(id: string, dueAt: number | null, status = 'running', updatedAt = 1_000): Instance {
  return {
    correlationId: id,
    incarnation: '9d36294c55',
    workflow: 'idle-flow',
    version: 1,
    state: status === 'running' ? 'waiting' : 'done',
    context: { id },
    seq: 1,
    status,
    timers: dueAt === null ? [] : [{ kind: 'timeout', timerId: `${id}/t`, dueAt, state: 'waiting' }],
    openTasks: [],
    completed: [],
    dedupe: [],
    stash: [],
    window: { count: 64, ageMs: DAY_MS },
    lastSourceSeq: null,
    createdAt: 1_000,
    updatedAt,
  } as unknown as Instance;
}

const stateOf = (...instances: Instance[]) =>
  new PartitionState(
    new Map(
      instances.map((i) => [i.correlationId, readSnapshotRecord(i.correlationId, encodeSnapshotRecord(i))]),
    ),
    7,
    {},
  );

test('stored instances are counted and reported from their outlines, and decoded once when asked for', () => {
  const [a, b] = [idle('a', 5_000), idle('b', null)];
  const state = stateOf(a, b);
  expect(state.size).toBe(2);
  expect([...state.outlines()].every((outline) => outline instanceof StoredInstance)).toBe(true);
  expect([...state.outlines()].map((o) => [o.correlationId, o.state, o.status])).toEqual([
    ['a', 'waiting', 'running'],
    ['b', 'waiting', 'running'],
  ]);
  const record = state.storedRecord('a');
  expect(record).toBe(encodeSnapshotRecord(a));
  const opened = state.get('a');
  expect(opened).toStrictEqual(JSON.parse(JSON.stringify(a)));
  expect(state.get('a')).toBe(opened);
  expect(state.storedRecord('a')).toBeUndefined();
  expect(state.storedRecord('b')).toBeDefined();
});

test('a stored instance whose timer falls due is decoded then, and the others stay stored', () => {
  const state = stateOf(idle('soon', 5_000), idle('later', 30 * DAY_MS));
  expect(state.dueAt(4_999)).toEqual([]);
  expect(state.dueAt(5_000).map((instance) => instance.correlationId)).toEqual(['soon']);
  expect(state.storedRecord('soon')).toBeUndefined();
  expect(state.storedRecord('later')).toBeDefined();
});

test('finished stored instances are judged by their outline and decoded only when their retention passed', () => {
  const state = stateOf(idle('old', null, 'completed', 1_000), idle('new', null, 'completed', 9_000));
  const expired = state.expired(10_000, (workflow) => (workflow === 'idle-flow' ? 5_000 : null));
  expect(expired.map((instance) => instance.correlationId)).toEqual(['old']);
  expect(state.storedRecord('new')).toBeDefined();
});

test('a stored instance whose record cannot be decoded fails the ask with StoredInstanceError', () => {
  const outline = encodeSnapshotRecord(idle('x', 5_000)).split('\n')[0]!;
  const state = new PartitionState(
    new Map([['x', readSnapshotRecord('x', `${outline}\n[4,"broken`)]]),
    7,
    {},
  );
  expect(() => state.get('x')).toThrow(StoredInstanceError);
  expect(() => state.dueAt(5_000)).toThrow(StoredInstanceError);
});
