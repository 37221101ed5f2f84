import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import type { JsonValue } from '../../core';
import { FieldDecryptError } from './crypto-error';
import {
  ENCRYPTED_PREFIX,
  ERASED,
  containsEncrypted,
  decryptFields,
  encryptFields,
  isEncrypted,
  type FieldKey,
} from './field-cipher';

const key: FieldKey = { dataKey: randomBytes(32), aad: 'order-1' };
const context = {
  id: 'order-1',
  amount: 42,
  customer: { email: 'alice@example.com', name: 'Alice', address: { street: 'Elm St 2' } },
  payment: { cardNumber: 4111111111111111, method: 'card' },
};

test('sensitive fields become tokens, the rest stays readable, and decrypting gives the value back', () => {
  const encrypted = encryptFields(
    context,
    ['customer.email', 'payment.cardNumber', 'customer.address.street'],
    key,
  );
  expect(encrypted).toMatchObject({
    id: 'order-1',
    amount: 42,
    customer: { name: 'Alice' },
    payment: { method: 'card' },
  });
  const fields = encrypted as {
    customer: { email: unknown; address: { street: unknown } };
    payment: { cardNumber: unknown };
  };
  for (const field of [fields.customer.email, fields.customer.address.street, fields.payment.cardNumber])
    expect(isEncrypted(field)).toBe(true);
  expect(decryptFields(encrypted, key)).toEqual(context);
});

test('the encrypted value holds no plaintext of a sensitive field', () => {
  const text = JSON.stringify(encryptFields(context, ['customer'], key));
  for (const secret of ['alice@example.com', 'alice', 'Alice', 'Elm St']) expect(text).not.toContain(secret);
});

test('a path that leads nowhere changes nothing and copies nothing', () => {
  const value = { customer: { name: 'A' }, tags: ['x'], count: 1 };
  expect(
    encryptFields(value, ['customer.email', 'count.digits', 'tags.3', 'missing.deep.path', ''], key),
  ).toBe(value);
});

test('values of every JSON type are encrypted whole and come back with their type', () => {
  const value = { a: 7, b: true, c: null, d: { e: [1, 'two'] }, f: ['x', { g: 'y' }], h: '' };
  const encrypted = encryptFields(value, ['a', 'b', 'c', 'd', 'f', 'h'], key) as Record<string, unknown>;
  expect(Object.values(encrypted).every(isEncrypted)).toBe(true);
  expect(decryptFields(encrypted as JsonValue, key)).toEqual(value);
});

test('array elements are reached by index or by the * wildcard', () => {
  const value = {
    items: [
      { sku: 'a', card: '1111' },
      { sku: 'b', card: '2222' },
    ],
  };
  const one = encryptFields(value, ['items.1.card'], key) as typeof value;
  expect(one.items[0]!.card).toBe('1111');
  expect(isEncrypted(one.items[1]!.card)).toBe(true);
  const all = encryptFields(value, ['items.*.card'], key) as typeof value;
  expect(all.items.map((item) => [item.sku, isEncrypted(item.card)])).toEqual([
    ['a', true],
    ['b', true],
  ]);
  expect(decryptFields(all, key)).toEqual(value);
});

test('the * wildcard on an object reaches every property', () => {
  const value = { phones: { home: '123', work: '456' } };
  const encrypted = encryptFields(value, ['phones.*'], key) as typeof value;
  expect(isEncrypted(encrypted.phones.home) && isEncrypted(encrypted.phones.work)).toBe(true);
  expect(decryptFields(encrypted, key)).toEqual(value);
});

test('encrypting twice does not encrypt twice, and the input is never mutated', () => {
  const before = structuredClone(context);
  const once = encryptFields(context, ['customer.email'], key);
  expect(encryptFields(once, ['customer.email'], key)).toBe(once);
  expect(context).toEqual(before);
});

test('an object encrypted after one of its fields decrypts in full', () => {
  const inner = encryptFields(context, ['customer.email'], key);
  const outer = encryptFields(inner, ['customer'], key);
  expect(isEncrypted((outer as { customer: unknown }).customer)).toBe(true);
  expect(decryptFields(outer, key)).toEqual(context);
});

test('with the key erased every token reads as the erased marker, and the rest stays as it was', () => {
  const encrypted = encryptFields(context, ['customer.email', 'payment'], key);
  expect(decryptFields(encrypted, 'erased')).toEqual({
    ...context,
    customer: { ...context.customer, email: ERASED },
    payment: ERASED,
  });
});

test('a tampered token, another instance’s token or another key fails with FieldDecryptError', () => {
  const token = (encryptFields({ email: 'a@b.c' }, ['email'], key) as { email: string }).email;
  const body = Buffer.from(token.slice(ENCRYPTED_PREFIX.length), 'base64url');
  body[14] = body[14]! ^ 1;
  const tampered = ENCRYPTED_PREFIX + body.toString('base64url');
  expect(() => decryptFields({ email: tampered }, key)).toThrow(FieldDecryptError);
  expect(() => decryptFields({ email: token }, { ...key, aad: 'order-2' })).toThrow(/failed authentication/);
  expect(() => decryptFields({ email: token }, { ...key, dataKey: randomBytes(32) })).toThrow(
    FieldDecryptError,
  );
});

test('a data key of the wrong size is refused before anything is encrypted', () => {
  expect(() => encryptFields(context, ['id'], { dataKey: randomBytes(16), aad: 'x' })).toThrow(RangeError);
});

test('only token-shaped strings count as encrypted', () => {
  const token = (encryptFields({ v: 1 }, ['v'], key) as { v: string }).v;
  expect(isEncrypted(token)).toBe(true);
  expect(containsEncrypted({ a: [{ b: token }] })).toBe(true);
  for (const other of [
    ENCRYPTED_PREFIX,
    `${ENCRYPTED_PREFIX}short`,
    'alice@example.com',
    42,
    null,
    token.slice(1),
  ])
    expect(isEncrypted(other)).toBe(false);
  expect(containsEncrypted(context)).toBe(false);
});

test('an own __proto__ property is encrypted as data and never touches the prototype', () => {
  const value = JSON.parse('{"__proto__":{"card":"1111"}}') as JsonValue;
  const encrypted = encryptFields(value, ['__proto__.card'], key);
  expect(Object.getPrototypeOf(encrypted)).toBe(Object.prototype);
  expect(JSON.stringify(encrypted)).not.toContain('1111');
  expect(decryptFields(encrypted, key)).toEqual(value);
});

const KEYS = ['a', 'b', 'c', '0'];
const json: fc.Arbitrary<JsonValue> = fc.letrec<{
  value: JsonValue;
  array: JsonValue[];
  object: Record<string, JsonValue>;
}>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string(),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    tie('array'),
    tie('object'),
  ),
  array: fc.array(tie('value'), { maxLength: 3 }),
  object: fc.dictionary(fc.constantFrom(...KEYS), tie('value'), { maxKeys: 3 }),
})).value;
const paths = fc.array(
  fc
    .array(fc.constantFrom(...KEYS, '1', '*'), { minLength: 1, maxLength: 3 })
    .map((segments) => segments.join('.')),
  { maxLength: 4 },
);

test('property: decrypting what was encrypted gives the value back, and encrypting again changes nothing', () => {
  fc.assert(
    fc.property(json, paths, (value, sensitive) => {
      const encrypted = encryptFields(value, sensitive, key);
      expect(decryptFields(encrypted, key)).toEqual(value);
      expect(encryptFields(encrypted, sensitive, key)).toBe(encrypted);
    }),
    { numRuns: 300 },
  );
});
