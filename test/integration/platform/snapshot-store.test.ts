// The Redis snapshot store against the real Redis: atomic instances + offset, no going backwards, HSCAN loads.
import { Redis } from 'ioredis';
import type { Instance } from '../../../services/core';
import { SnapshotStore } from '../../../services/platform/redis/snapshot-store';
import { endpoints, testNamespace } from '../../harness/namespace';

jest.setTimeout(60_000);

const namespace = testNamespace('snapshots');
let redis: Redis;
let store: SnapshotStore;

const instance = (id: string, seq: number) =>
  ({ correlationId: id, seq, state: 'validating' }) as unknown as Instance;
const put = (...instances: Instance[]) => instances.map((i) => [i.correlationId, JSON.stringify(i)] as const);

beforeAll(() => {
  redis = new Redis(endpoints().redisUrl);
  store = new SnapshotStore(redis, namespace.redisPrefix, namespace.prefix);
});

afterAll(async () => {
  await Promise.all([0, 1, 2, 3].map((p) => store.clear(p)));
  redis.disconnect();
});

test('instances and their offset are written together, keyed with a per-partition hash tag', async () => {
  expect(await store.load(0)).toEqual({ instances: new Map(), offset: null, health: {} });
  expect(await store.write(0, { offset: 5, put: put(instance('a', 1), instance('b', 2)), remove: [] })).toBe(
    'written',
  );
  const loaded = await store.load(0);
  expect(loaded.offset).toBe(5);
  expect([...loaded.instances.keys()].sort()).toEqual(['a', 'b']);
  expect(store.keys(0)).toEqual({
    instances: `${namespace.redisPrefix}:{${namespace.prefix}:p0}:instances`,
    meta: `${namespace.redisPrefix}:{${namespace.prefix}:p0}:meta`,
  });
  expect(await redis.exists(store.keys(0).instances, store.keys(0).meta)).toBe(2);
});

test('a write with an older offset is refused and changes nothing', async () => {
  await store.write(1, { offset: 10, put: put(instance('a', 3)), remove: [] });
  expect(await store.write(1, { offset: 9, put: put(instance('a', 2), instance('z', 1)), remove: [] })).toBe(
    'stale',
  );
  const loaded = await store.load(1);
  expect(loaded.offset).toBe(10);
  expect([...loaded.instances.values()]).toEqual([instance('a', 3)]);
  expect(await store.write(1, { offset: 11, put: [], remove: ['a'] })).toBe('written');
  expect((await store.load(1)).instances.size).toBe(0);
});

test('a hash larger than one scan page loads completely', async () => {
  const many = Array.from({ length: 2_500 }, (_, i) => instance(`i-${i}`, i + 1));
  await store.write(2, { offset: 42, put: put(...many), remove: [] });
  const loaded = await store.load(2);
  expect(loaded.instances.size).toBe(2_500);
  expect(loaded.instances.get('i-2499')).toEqual(instance('i-2499', 2_500));
});

test('an incremental write to a snapshot Redis lost is refused as lost, so no partial snapshot appears', async () => {
  await store.write(3, { offset: 7, put: put(instance('a', 1), instance('b', 1)), remove: [] });
  await store.clear(3);
  expect(await store.write(3, { offset: 8, put: put(instance('a', 2)), remove: [], incremental: true })).toBe(
    'lost',
  );
  expect(await store.load(3)).toEqual({ instances: new Map(), offset: null, health: {} });
  expect(await store.write(3, { offset: 8, put: put(instance('a', 2), instance('b', 1)), remove: [] })).toBe(
    'written',
  );
  await store.clear(3);
});

test('a write of 100,000 instances, as after a restore from the log alone, goes through in one atomic call', async () => {
  const many = Array.from({ length: 100_000 }, (_, i) => instance(`r-${i}`, 1));
  const gone = Array.from({ length: 100_000 }, (_, i) => `gone-${i}`);
  expect(await store.write(3, { offset: 99, put: put(...many), remove: gone })).toBe('written');
  expect(await redis.hlen(store.keys(3).instances)).toBe(100_000);
  expect(await redis.hget(store.keys(3).meta, 'offset')).toBe('99');
  await store.clear(3);
});
