import { randomBytes } from 'node:crypto';
import { createLogger } from '../logging/logger';
import { UnwrapError } from './crypto-error';
import { DataKeys } from './data-keys';
import { FileKeyEncryptionKey, type KeyEncryptionKey, type WrappedDataKey } from './key-encryption-key';
import type { KeyLookup } from './key-table';
import { decodeKeysMessage, type DataKeyRecord, type KeysEntry } from './keys-topic';

const logger = createLogger('silent');
const oldLine = `kek-1 ${randomBytes(32).toString('base64')}`;
const kek = FileKeyEncryptionKey.parse(oldLine, 'test keys');

/** The keys topic as the table would hold it after reading it. */
class TableOf implements KeyLookup {
  readonly entries = new Map<string, KeysEntry>();
  lookup(correlationId: string): KeysEntry | undefined {
    return this.entries.get(correlationId);
  }
  put(correlationId: string, record: DataKeyRecord): void {
    this.entries.set(correlationId, { kind: 'key', ...record });
  }
}

/** Counts unwraps, to see what the memory cache saves (a KMS call each, later). */
class CountingKek implements KeyEncryptionKey {
  unwraps = 0;
  constructor(private readonly inner: KeyEncryptionKey) {}
  get id(): string {
    return this.inner.id;
  }
  wrap(dataKey: Buffer, correlationId: string): Promise<WrappedDataKey> {
    return this.inner.wrap(dataKey, correlationId);
  }
  unwrap(key: WrappedDataKey, correlationId: string): Promise<Buffer> {
    this.unwraps += 1;
    return this.inner.unwrap(key, correlationId);
  }
}

const dataKeysOf = (table: KeyLookup, options: { kek?: KeyEncryptionKey; memoryEntries?: number } = {}) =>
  new DataKeys({
    kek: options.kek ?? kek,
    table,
    logger,
    redisPrefix: 'unit',
    topicPrefix: 'unit',
    memoryEntries: options.memoryEntries,
    clock: () => new Date('2026-03-04T05:06:07.000Z'),
  });

test('a new data key comes with its record and the keys-topic message, and is not cached before it commits', async () => {
  const table = new TableOf();
  const keys = dataKeysOf(table);
  const { dataKey, record, message } = await keys.newDataKey('order-1');
  expect(dataKey).toHaveLength(32);
  expect(record).toMatchObject({ kekId: 'kek-1', createdAt: '2026-03-04T05:06:07.000Z' });
  expect(await kek.unwrap(record, 'order-1')).toEqual(dataKey);
  expect(decodeKeysMessage({ key: message.key as Buffer, value: message.value as Buffer })).toEqual({
    correlationId: 'order-1',
    entry: { kind: 'key', ...record },
  });
  expect(await keys.resolve('order-1')).toBeUndefined();
  table.put('order-1', record);
  expect(await keys.resolve('order-1')).toEqual(dataKey);
});

test('a resolved key is kept in memory: one unwrap however often or concurrently it is asked for', async () => {
  const counting = new CountingKek(kek);
  const table = new TableOf();
  const keys = dataKeysOf(table, { kek: counting });
  const { dataKey, record } = await keys.newDataKey('order-1');
  table.put('order-1', record);
  const resolved = await Promise.all([keys.resolve('order-1'), keys.resolve('order-1')]);
  await keys.resolve('order-1');
  expect(resolved).toEqual([dataKey, dataKey]);
  expect(counting.unwraps).toBe(1);
});

test('the memory cache is bounded: the least recently used key is unwrapped again', async () => {
  const counting = new CountingKek(kek);
  const table = new TableOf();
  const keys = dataKeysOf(table, { kek: counting, memoryEntries: 1 });
  for (const id of ['order-1', 'order-2']) table.put(id, (await keys.newDataKey(id)).record);
  await keys.resolve('order-1');
  await keys.resolve('order-2');
  await keys.resolve('order-1');
  expect(counting.unwraps).toBe(3);
});

test('a tombstone in the table wins over the memory cache', async () => {
  const table = new TableOf();
  const keys = dataKeysOf(table);
  const { dataKey, record } = await keys.newDataKey('order-1');
  await keys.remember('order-1', record, dataKey);
  expect(await keys.resolve('order-1')).toEqual(dataKey);
  table.entries.set('order-1', { kind: 'erased' });
  expect(await keys.resolve('order-1')).toBe('erased');
  expect(keys.tombstone('order-1')).toEqual({ key: Buffer.from('order-1'), value: null });
});

test('a table record that does not unwrap is an error, not a missing key', async () => {
  const table = new TableOf();
  const keys = dataKeysOf(table);
  const { record } = await keys.newDataKey('order-1');
  table.put('order-2', record);
  await expect(keys.resolve('order-2')).rejects.toThrow(UnwrapError);
});

test('rewrapping after a rotation keeps the data key and its creation time under the new KEK', async () => {
  const rotated = FileKeyEncryptionKey.parse(
    `kek-2 ${randomBytes(32).toString('base64')}\n${oldLine}`,
    'rotated',
  );
  const before = dataKeysOf(new TableOf());
  const { dataKey, record } = await before.newDataKey('order-1');
  const table = new TableOf();
  const after = dataKeysOf(table, { kek: rotated });
  expect(after.currentKekId).toBe('kek-2');
  const rewrapped = await after.rewrap('order-1', record);
  expect(rewrapped).toMatchObject({ kekId: 'kek-2', createdAt: record.createdAt });
  table.put('order-1', rewrapped);
  expect(await after.resolve('order-1')).toEqual(dataKey);
});
