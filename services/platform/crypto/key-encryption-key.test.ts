import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { KekFileError, UnknownKekError, UnwrapError } from './crypto-error';
import { FileKeyEncryptionKey, generateKekLine } from './key-encryption-key';

const line = (id: string, bytes = 32) => `${id} ${randomBytes(bytes).toString('base64')}`;
const kekOf = (...lines: string[]) => FileKeyEncryptionKey.parse(lines.join('\n'), 'test keys');
const dataKey = () => randomBytes(32);

test('a wrapped data key unwraps to the same bytes for the same instance', async () => {
  const kek = kekOf(line('kek-1'));
  const key = dataKey();
  const wrapped = await kek.wrap(key, 'order-1');
  expect(wrapped.kekId).toBe('kek-1');
  expect(wrapped.wrapped).toHaveLength(60);
  expect(wrapped.wrapped.includes(key)).toBe(false);
  expect(await kek.unwrap(wrapped, 'order-1')).toEqual(key);
});

test('wrapping twice gives different bytes (a fresh IV each time)', async () => {
  const kek = kekOf(line('kek-1'));
  const key = dataKey();
  const [a, b] = await Promise.all([kek.wrap(key, 'order-1'), kek.wrap(key, 'order-1')]);
  expect(a.wrapped.equals(b.wrapped)).toBe(false);
});

test('after rotation the new first line wraps and the old line still unwraps', async () => {
  const old = line('kek-1');
  const before = kekOf(old);
  const after = kekOf(line('kek-2'), old);
  const key = dataKey();
  const wrappedBefore = await before.wrap(key, 'order-1');
  expect(await after.unwrap(wrappedBefore, 'order-1')).toEqual(key);
  const wrappedAfter = await after.wrap(key, 'order-1');
  expect(wrappedAfter.kekId).toBe('kek-2');
  expect(after.ids).toEqual(['kek-2', 'kek-1']);
  await expect(before.unwrap(wrappedAfter, 'order-1')).rejects.toThrow(UnknownKekError);
});

test('a wrapped key bound to another instance, tampered or truncated fails clearly', async () => {
  const kek = kekOf(line('kek-1'));
  const wrapped = await kek.wrap(dataKey(), 'order-1');
  await expect(kek.unwrap(wrapped, 'order-2')).rejects.toThrow(UnwrapError);
  const flipped = Buffer.from(wrapped.wrapped);
  flipped[20] = flipped[20]! ^ 1;
  await expect(kek.unwrap({ ...wrapped, wrapped: flipped }, 'order-1')).rejects.toMatchObject({
    code: 'key-unwrap-failed',
    retriable: false,
  });
  await expect(
    kek.unwrap({ ...wrapped, wrapped: wrapped.wrapped.subarray(0, 59) }, 'order-1'),
  ).rejects.toThrow(/60 bytes, got 59/);
});

test('an unknown KEK id is named in the error', async () => {
  const kek = kekOf(line('kek-1'));
  const wrapped = await kek.wrap(dataKey(), 'order-1');
  await expect(kek.unwrap({ ...wrapped, kekId: 'kek-9' }, 'order-1')).rejects.toThrow(/kek-9/);
});

test('blank lines and comments are ignored; the first key is current', () => {
  const kek = kekOf('# current first', '', line('kek-2'), '   ', line('kek-1'));
  expect(kek.id).toBe('kek-2');
});

test.each([
  ['a line with one field', 'kek-1', /line 1: expected "<id> <base64 of 32 bytes>"/],
  ['a line with three fields', `${line('kek-1')} extra`, /line 1: expected/],
  [
    'an id with a space-free but invalid character',
    `kek/1 ${randomBytes(32).toString('base64')}`,
    /key id must match/,
  ],
  ['a key that is not base64', 'kek-1 not*base64', /the key of kek-1 is not base64/],
  [
    'a key of the wrong length',
    line('kek-1', 16),
    /the key of kek-1 is 16 bytes, a key-encryption key is 32/,
  ],
  ['a duplicate id', [line('kek-1'), line('kek-1')].join('\n'), /line 2: key id kek-1 appears twice/],
  ['no key at all', '# nothing here\n', /holds no key-encryption key/],
])('%s is rejected', (_what, text, message) => {
  expect(() => FileKeyEncryptionKey.parse(text, 'keys.txt')).toThrow(KekFileError);
  expect(() => FileKeyEncryptionKey.parse(text, 'keys.txt')).toThrow(message);
});

test('errors about a bad key never quote the key material', () => {
  const material = randomBytes(16).toString('base64');
  let message = '';
  try {
    FileKeyEncryptionKey.parse(`kek-1 ${material}`, 'keys.txt');
  } catch (error) {
    message = (error as Error).message;
  }
  expect(message).toMatch(/16 bytes/);
  expect(message).not.toContain(material);
});

describe('a KEK file', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'kek-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  test('made of generated lines loads, and wraps with its first key', async () => {
    const file = path.join(dir, 'keys');
    await writeFile(file, `${generateKekLine('kek-2')}\n${generateKekLine('kek-1')}\n`, { mode: 0o600 });
    const kek = await FileKeyEncryptionKey.load(file);
    expect(kek.ids).toEqual(['kek-2', 'kek-1']);
    const key = dataKey();
    expect(await kek.unwrap(await kek.wrap(key, 'order-1'), 'order-1')).toEqual(key);
  });

  test('that does not exist is reported with its path', async () => {
    const file = path.join(dir, 'missing');
    await expect(FileKeyEncryptionKey.load(file)).rejects.toThrow(
      `${file}: the key-encryption key file does not exist`,
    );
  });
});

test('a generated line refuses an id the file format would reject', () => {
  expect(() => generateKekLine('has space')).toThrow(RangeError);
});
