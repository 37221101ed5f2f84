// The snapshot record: every instance reads back as it was written, whatever the decisions that made it.
import fc from 'fast-check';
import { createRegistry, type Instance } from '../../core';
import { definitionArb, moveArb, play, randomShape } from '../../../test/unit/core/scenario';
import { order } from '../../../test/unit/core/driver';
import { orderSaga } from '../../../examples/order-saga/definition';
import {
  decodeSnapshotRecord,
  encodeSnapshotRecord,
  readSnapshotRecord,
  StoredInstance,
} from './snapshot-record';
import { SnapshotError } from './snapshot-error';
import { StoredInstanceError } from './stored-instance-error';

const RUNS = Number(process.env.PROP_RUNS ?? 150);

/** What a record must read back as: the instance as JSON keeps it (the store's format before this one). */
const asJson = (instance: Instance): Instance => JSON.parse(JSON.stringify(instance)) as Instance;
const roundTrip = (instance: Instance): Instance =>
  decodeSnapshotRecord(instance.correlationId, encodeSnapshotRecord(instance));

const waiting = {
  correlationId: 'idle-1',
  incarnation: '9d36294c55',
  workflow: 'idle-flow',
  version: 1,
  state: 'waiting',
  context: { id: 'idle-1', nested: [1, { a: null }] },
  seq: 1,
  status: 'running',
  timers: [{ kind: 'timeout', timerId: 'idle-1/t/1', dueAt: 1_796_042_342_523, state: 'waiting' }],
  openTasks: [],
  completed: [],
  dedupe: [
    {
      commandId: 'idle-1:start',
      signature: '6b2c0a706c47f9c2',
      at: 1_796_042_342_523,
      outcome: { kind: 'applied', seq: 1 },
    },
    {
      commandId: 'idle-1/9d36294c55/1/0#1',
      signature: '6e34476b5ee8fa32',
      at: 1_796_042_342_524,
      outcome: { kind: 'rejected', reason: { code: 'guard-failed', message: 'no' } },
      derived: true,
    },
    { commandId: 'n-1', signature: 'aa', at: 1, outcome: { kind: 'stashed' } },
  ],
  stash: [],
  window: { count: 64, ageMs: 86_400_000 },
  lastSourceSeq: null,
  createdAt: 1_796_042_342_523,
  updatedAt: 1_796_042_342_524,
} as unknown as Instance;

const task = {
  taskId: 't-1',
  type: 'charge',
  kind: 'action',
  input: {},
  attempt: 1,
  runId: 'r-1',
  waiting: false,
  draining: false,
  source: { kind: 'invoke', state: 'waiting', index: 0 },
};
/** The same instance with a task open: not outlined. */
const busy = { ...waiting, openTasks: [task] } as unknown as Instance;

test('an instance is stored by position, in about half the bytes of its JSON, and reads back the same', () => {
  const record = encodeSnapshotRecord(waiting);
  expect(record.startsWith('[3,')).toBe(true);
  expect(record.length).toBeLessThan(0.6 * JSON.stringify(waiting).length);
  expect(encodeSnapshotRecord(busy).startsWith('[2,')).toBe(true);
  for (const instance of [busy, waiting]) expect(roundTrip(instance)).toStrictEqual(asJson(instance));
  const custom = { ...waiting, window: { count: 8, ageMs: 1000 }, lastSourceSeq: 7, incarnation: null };
  expect(roundTrip(custom)).toStrictEqual(asJson(custom));
});

test('restored instances share one frozen outcome per applied seq, and read back the same at any seq', () => {
  const at = (seq: number, correlationId = 'idle-1') =>
    ({
      ...waiting,
      correlationId,
      dedupe: [{ ...waiting.dedupe[0]!, outcome: { kind: 'applied', seq } }],
    }) as unknown as Instance;
  const [first, second] = [roundTrip(at(3)), roundTrip(at(3, 'idle-2'))];
  expect(first.dedupe[0]!.outcome).toBe(second.dedupe[0]!.outcome);
  expect(Object.isFrozen(first.dedupe[0]!.outcome)).toBe(true);
  for (const seq of [0, 1, 1023, 1024, 2 ** 40]) expect(roundTrip(at(seq))).toStrictEqual(asJson(at(seq)));
});

test('an instance written by key, as earlier versions did, reads back as it was', () => {
  expect(decodeSnapshotRecord('idle-1', JSON.stringify(waiting))).toStrictEqual(asJson(waiting));
});

test('an instance the positional record cannot hold in full is stored by key, so nothing is dropped', () => {
  const { incarnation: _dropped, ...older } = waiting;
  const withExtra = { ...waiting, note: 'kept' } as unknown as Instance;
  const oddEntry = { ...waiting, dedupe: [{ ...waiting.dedupe[0], extra: 1 }] } as unknown as Instance;
  for (const instance of [older as Instance, withExtra, oddEntry]) {
    expect(encodeSnapshotRecord(instance).startsWith('{')).toBe(true);
    expect(roundTrip(instance)).toStrictEqual(asJson(instance));
  }
});

test('a record that is not JSON, or not an instance record, is refused as unreadable', () => {
  expect(() => decodeSnapshotRecord('x', '{"correlationId":')).toThrow(SnapshotError);
  expect(() => decodeSnapshotRecord('x', '[3,"a"]')).toThrow(SnapshotError);
  const record = JSON.parse(encodeSnapshotRecord(busy)) as unknown[];
  expect(() => decodeSnapshotRecord('x', JSON.stringify(record.slice(0, 10)))).toThrow(SnapshotError);
  expect(() =>
    decodeSnapshotRecord('x', JSON.stringify([...record.slice(0, 11), [5], ...record.slice(12)])),
  ).toThrow(SnapshotError);
});

test('an instance with no open task is outlined: read, it is held by its outline until opened', () => {
  const record = encodeSnapshotRecord(waiting);
  expect(record.split('\n')[0]).toBe(
    '[3,"running","idle-flow",1,"waiting",1796042342524,"timeout",1796042342523]',
  );
  const stored = readSnapshotRecord('idle-1', record);
  expect(stored).toBeInstanceOf(StoredInstance);
  expect({ ...stored }).toStrictEqual({
    correlationId: 'idle-1',
    status: 'running',
    workflow: 'idle-flow',
    version: 1,
    state: 'waiting',
    updatedAt: 1_796_042_342_524,
    timers: [{ kind: 'timeout', dueAt: 1_796_042_342_523 }],
    record,
  });
  expect((stored as StoredInstance).open()).toStrictEqual(asJson(waiting));
  const none = { ...waiting, timers: [] } as unknown as Instance;
  expect((readSnapshotRecord('idle-1', encodeSnapshotRecord(none)) as StoredInstance).timers).toEqual([]);
});

test('an instance with an open task, or stored by key, is read in full', () => {
  expect(encodeSnapshotRecord(busy).startsWith('[2,')).toBe(true);
  expect(readSnapshotRecord('idle-1', encodeSnapshotRecord(busy))).toStrictEqual(asJson(busy));
  expect(readSnapshotRecord('idle-1', JSON.stringify(waiting))).toStrictEqual(asJson(waiting));
});

test('a damaged outline is refused when read; a damaged remainder when the stored instance is opened', () => {
  const [outline, rest] = encodeSnapshotRecord(waiting).split('\n') as [string, string];
  const positional = encodeSnapshotRecord(busy);
  for (const bad of [
    outline,
    `${outline}\n{"a":1}`,
    `${outline}\n${positional}`,
    `[3,"running"]\n${rest}`,
    `[3,"running\n${rest}`,
  ]) {
    expect(() => readSnapshotRecord('x', bad)).toThrow(SnapshotError);
  }
  for (const remainder of ['[4,"broken', '[4,1]']) {
    const damaged = readSnapshotRecord('x', `${outline}\n${remainder}`) as StoredInstance;
    expect(() => damaged.open()).toThrow(StoredInstanceError);
    expect(() => decodeSnapshotRecord('x', `${outline}\n${remainder}`)).toThrow(SnapshotError);
  }
});

test('every instance any run of decisions makes reads back as its JSON, and its outline as its fields', () => {
  const movesArb = fc.array(moveArb, { minLength: 1, maxLength: 30 });
  const check = (instances: readonly (Instance | undefined)[]) => {
    for (const instance of instances) {
      if (instance === undefined) continue;
      expect(roundTrip(instance)).toStrictEqual(asJson(instance));
      const read = readSnapshotRecord(instance.correlationId, encodeSnapshotRecord(instance));
      if (!(read instanceof StoredInstance)) {
        expect(read).toStrictEqual(asJson(instance));
        continue;
      }
      expect(instance.openTasks).toHaveLength(0);
      expect(read.open()).toStrictEqual(asJson(instance));
      const { correlationId, workflow, version, state, status, updatedAt } = instance;
      expect(read).toMatchObject({ correlationId, workflow, version, state, status, updatedAt });
      expect(read.timers).toStrictEqual(instance.timers.map(({ kind, dueAt }) => ({ kind, dueAt })));
    }
  };
  const saga = createRegistry([orderSaga({ shippingTimeoutMs: 20_000 })]);
  const sagaShape = { ...randomShape, workflow: 'order-saga', start: order };
  fc.assert(
    fc.property(movesArb, (moves) => check(play(saga, sagaShape, moves).instances)),
    { numRuns: RUNS },
  );
  fc.assert(
    fc.property(definitionArb, movesArb, (definition, moves) =>
      check(play(createRegistry([definition]), randomShape, moves).instances),
    ),
    { numRuns: RUNS },
  );
});
