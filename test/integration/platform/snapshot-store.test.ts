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
  await Promise.all([0, 1, 2, 3, 4, 5, 6].map((p) => store.clear(p)));
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

test('a load runs its callback between pages, so that its owner can heartbeat through a long load', async () => {
  const many = Array.from({ length: 7_000 }, (_, i) => instance(`h-${i}`, i + 1));
  await store.write(6, { offset: 7, put: put(...many), remove: [] });
  let calls = 0;
  const loaded = await store.load(6, async () => {
    calls += 1;
  });
  expect(loaded.instances.size).toBe(7_000);
  // HSCAN's COUNT is a hint: at 2,000 a page, 7,000 instances take at least four pages, so three calls between.
  expect(calls).toBeGreaterThanOrEqual(3);
  await expect(
    store.load(6, async () => {
      throw new Error('heartbeat refused');
    }),
  ).rejects.toThrow('heartbeat refused');
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

test('a write of 100,000 instances, as after a restore from the log alone, goes through atomically', async () => {
  const many = Array.from({ length: 100_000 }, (_, i) => instance(`r-${i}`, 1));
  const gone = Array.from({ length: 100_000 }, (_, i) => `gone-${i}`);
  expect(await store.write(3, { offset: 99, put: put(...many), remove: gone })).toBe('written');
  expect(await redis.hlen(store.keys(3).instances)).toBe(100_000);
  expect(await redis.hget(store.keys(3).meta, 'offset')).toBe('99');
  await store.clear(3);
});

/** The keys of staged writes left in Redis under this suite's prefix. */
async function stagedKeys(): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(
      cursor,
      'MATCH',
      `${namespace.redisPrefix}:*:staged:*`,
      'COUNT',
      1000,
    );
    found.push(...keys);
    cursor = next;
  } while (cursor !== '0');
  return found;
}

test('a write larger than one Redis call may carry goes in bounded calls, and readers see all of it or none', async () => {
  const limits = { maxArguments: 1_000, maxBytes: 64 * 1024 };
  const bounded = new SnapshotStore(redis, namespace.redisPrefix, namespace.prefix, limits);
  const before = Array.from({ length: 3_000 }, (_, i) => instance(`b-${i}`, 1));
  expect(await bounded.write(4, { offset: 1, put: put(...before), remove: [] })).toBe('written');
  const after = Array.from({ length: 5_000 }, (_, i) => instance(`a-${i}`, 2));
  const gone = before.slice(0, 2_000).map((i) => i.correlationId);

  // Every command Redis receives about partition 4, with its number of arguments.
  const monitor = await redis.monitor();
  const sizes: number[] = [];
  monitor.on('monitor', (_time: string, args: string[]) => {
    if (args.some((arg) => arg.includes(`${namespace.prefix}:p4}`))) sizes.push(args.length);
  });
  // A reader loading while the write goes on sees the snapshot before it or after it, never between.
  let writing = true;
  const seen: { offset: number | null; size: number }[] = [];
  const reader = (async () => {
    while (writing) {
      const loaded = await bounded.load(4);
      seen.push({ offset: loaded.offset, size: loaded.instances.size });
    }
  })();
  const result = await bounded.write(4, { offset: 2, put: put(...after), remove: gone });
  writing = false;
  await reader;
  monitor.disconnect();

  expect(result).toBe('written');
  const loaded = await bounded.load(4);
  expect(loaded.offset).toBe(2);
  expect(loaded.instances.size).toBe(6_000);
  expect(loaded.instances.get('a-4999')).toEqual(instance('a-4999', 2));
  expect(loaded.instances.has('b-0')).toBe(false);
  expect(loaded.instances.get('b-2999')).toEqual(instance('b-2999', 1));
  expect(sizes.length).toBeGreaterThan(10);
  // Command, key and arguments: the bound on arguments, plus the script's own keys and counts at most.
  expect(Math.max(...sizes)).toBeLessThanOrEqual(limits.maxArguments + 10);
  for (const view of seen) {
    expect([
      { offset: 1, size: 3_000 },
      { offset: 2, size: 6_000 },
    ]).toContainEqual(view);
  }
  expect(await stagedKeys()).toEqual([]);
});

test('a staged write to an older offset, or to a snapshot Redis lost, changes nothing and leaves nothing behind', async () => {
  const bounded = new SnapshotStore(redis, namespace.redisPrefix, namespace.prefix, {
    maxArguments: 100,
    maxBytes: 64 * 1024,
  });
  const many = Array.from({ length: 500 }, (_, i) => instance(`s-${i}`, 1));
  expect(await bounded.write(5, { offset: 10, put: put(instance('kept', 1)), remove: [] })).toBe('written');
  expect(await bounded.write(5, { offset: 9, put: put(...many), remove: ['kept'] })).toBe('stale');
  expect([...(await bounded.load(5)).instances.keys()]).toEqual(['kept']);
  await bounded.clear(5);
  expect(await bounded.write(5, { offset: 11, put: put(...many), remove: [], incremental: true })).toBe(
    'lost',
  );
  expect(await redis.exists(bounded.keys(5).instances, bounded.keys(5).meta)).toBe(0);
  expect(await stagedKeys()).toEqual([]);
});

test('a staged first snapshot becomes the snapshot whole, and does not expire as its staging would', async () => {
  const bounded = new SnapshotStore(redis, namespace.redisPrefix, namespace.prefix, {
    maxArguments: 100,
    maxBytes: 64 * 1024,
  });
  await bounded.clear(5);
  const many = Array.from({ length: 500 }, (_, i) => instance(`f-${i}`, 1));
  expect(await bounded.write(5, { offset: 3, put: put(...many), remove: [] })).toBe('written');
  const loaded = await bounded.load(5);
  expect(loaded.offset).toBe(3);
  expect(loaded.instances.size).toBe(500);
  expect(loaded.instances.get('f-499')).toEqual(instance('f-499', 1));
  expect(await redis.pttl(bounded.keys(5).instances)).toBe(-1);
  expect(await stagedKeys()).toEqual([]);
  await bounded.clear(5);
});

test('a partition of 600,000 instances written in full, past the million arguments older Redis servers take in one command, goes through', async () => {
  // Built without spreading into a call, which 600,000 arguments would overflow.
  const many = Array.from(
    { length: 600_000 },
    (_, i) => [`m-${i}`, JSON.stringify(instance(`m-${i}`, 1))] as const,
  );
  expect(await store.write(5, { offset: 600_000, put: many, remove: [] })).toBe('written');
  expect(await redis.hlen(store.keys(5).instances)).toBe(600_000);
  const loaded = await store.load(5);
  expect(loaded.offset).toBe(600_000);
  expect(loaded.instances.get('m-599999')).toEqual(instance('m-599999', 1));
  expect(await stagedKeys()).toEqual([]);
  await store.clear(5);
}, 180_000);
