import { randomBytes } from 'node:crypto';
import { KeysRecordError } from './crypto-error';
import {
  decodeKeyRecord,
  decodeKeysMessage,
  encodeKeyRecord,
  keyMessage,
  tombstoneMessage,
  type DataKeyRecord,
} from './keys-topic';

const record: DataKeyRecord = {
  kekId: 'kek-1',
  wrapped: randomBytes(60),
  createdAt: '2026-01-02T03:04:05.678Z',
};
const consumed = (message: { key?: unknown; value: unknown }) =>
  decodeKeysMessage({ key: message.key as Buffer | null, value: message.value as Buffer | null });

test('a key record is JSON with a version, the KEK id, the wrapped key in base64 and its creation time', () => {
  expect(JSON.parse(encodeKeyRecord(record))).toEqual({
    v: 1,
    kekId: 'kek-1',
    wrapped: record.wrapped.toString('base64'),
    createdAt: record.createdAt,
  });
  expect(decodeKeyRecord(encodeKeyRecord(record))).toEqual(record);
});

test('a key message is keyed by the correlation id and decodes back to the record', () => {
  const message = keyMessage('order-1', record);
  expect(message.key).toEqual(Buffer.from('order-1'));
  expect(consumed(message)).toEqual({ correlationId: 'order-1', entry: { kind: 'key', ...record } });
});

test('a tombstone has a null value and decodes as erased', () => {
  const message = tombstoneMessage('order-1');
  expect(message.value).toBeNull();
  expect(consumed(message)).toEqual({ correlationId: 'order-1', entry: { kind: 'erased' } });
});

test.each([
  ['text that is not JSON', 'nope', /not JSON/],
  ['another version', JSON.stringify({ ...JSON.parse(encodeKeyRecord(record)), v: 2 }), /v:/],
  ['no KEK id', JSON.stringify({ ...JSON.parse(encodeKeyRecord(record)), kekId: '' }), /kekId/],
  [
    'a wrapped key that is not base64',
    JSON.stringify({ ...JSON.parse(encodeKeyRecord(record)), wrapped: '*' }),
    /wrapped/,
  ],
  [
    'a creation time that is not ISO-8601',
    JSON.stringify({ ...JSON.parse(encodeKeyRecord(record)), createdAt: 'today' }),
    /createdAt/,
  ],
])('a record holding %s is refused', (_what, text, message) => {
  expect(() => decodeKeyRecord(text)).toThrow(KeysRecordError);
  expect(() => decodeKeyRecord(text)).toThrow(message);
});

test('a message without a key is refused', () => {
  expect(() => decodeKeysMessage({ key: null, value: null })).toThrow(/has no key/);
});
