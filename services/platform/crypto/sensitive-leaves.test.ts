import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { createRegistry, ERASED, setup, type JsonValue } from '../../core';
import { containsEncrypted, isEncrypted, type FieldKey } from './field-cipher';
import { leafPaths, protect, reveal, sensitiveLeaves } from './sensitive-leaves';

const leaves = new Set(['email', 'cardNumber']);
const key: FieldKey = { dataKey: randomBytes(32), aad: 'order-1' };
const contacts: JsonValue = [
  { email: 'bob@example.com', name: 'Bob' },
  { name: 'Eve' },
  ['nested', { email: 'eve@x.org' }],
];
const order = {
  orderId: 'o-1',
  customer: { id: 'c-1', email: 'ada@example.com' },
  contacts,
  payment: { cardNumber: '4111111111111111', method: 'card' },
  amount: 40,
};

test('leafPaths finds every property named like a leaf, at any depth, through objects and arrays', () => {
  expect(leafPaths(order, leaves).sort()).toEqual(
    ['contacts.0.email', 'contacts.2.1.email', 'customer.email', 'payment.cardNumber'].sort(),
  );
});

test('leafPaths stops at a leaf: a sensitive property holding an object is one path', () => {
  expect(leafPaths({ payment: { cardNumber: { pan: '4111', email: 'x@y.z' } } }, leaves)).toEqual([
    'payment.cardNumber',
  ]);
});

test('leafPaths finds nothing in scalars, without leaves, or in arrays indexed like a leaf', () => {
  expect(leafPaths('ada@example.com', leaves)).toEqual([]);
  expect(leafPaths(null, leaves)).toEqual([]);
  expect(leafPaths(order, new Set())).toEqual([]);
  expect(leafPaths(['a', 'b'], new Set(['0']))).toEqual([]);
});

test('protect leaves no plaintext of a sensitive value and keeps the rest readable', () => {
  const sealed = protect(order, leaves, key) as typeof order;
  const text = JSON.stringify(sealed);
  for (const secret of ['ada@example.com', 'bob@example.com', 'eve@x.org', '4111111111111111'])
    expect(text).not.toContain(secret);
  expect(isEncrypted(sealed.customer.email)).toBe(true);
  expect(isEncrypted(sealed.payment.cardNumber)).toBe(true);
  expect(sealed).toMatchObject({ orderId: 'o-1', amount: 40, payment: { method: 'card' } });
  expect((sealed.contacts as JsonValue[])[1]).toEqual({ name: 'Eve' });
});

test('protect returns a value without sensitive leaves as it is, and protecting twice changes nothing', () => {
  const plain = { orderId: 'o-1', items: [{ sku: 'book' }] };
  expect(protect(plain, leaves, key)).toBe(plain);
  const once = protect(order, leaves, key);
  expect(protect(once, leaves, key)).toBe(once);
});

test('reveal with the key gives the original back', () => {
  const sealed = protect(order, leaves, key);
  expect(containsEncrypted(sealed)).toBe(true);
  expect(reveal(sealed, key)).toEqual(order);
});

test('reveal with another instance as AAD fails authentication', () => {
  const sealed = protect(order, leaves, key);
  expect(() => reveal(sealed, { ...key, aad: 'order-2' })).toThrow(/failed authentication/);
});

test('once erased, every token reads [erased] and everything else is unchanged', () => {
  const shown = reveal(protect(order, leaves, key), 'erased') as typeof order;
  expect(shown).toEqual({
    ...order,
    customer: { id: 'c-1', email: ERASED },
    contacts: [{ email: ERASED, name: 'Bob' }, { name: 'Eve' }, ['nested', { email: ERASED }]],
    payment: { cardNumber: ERASED, method: 'card' },
  });
  expect(containsEncrypted(shown as unknown as JsonValue)).toBe(false);
});

test('sensitiveLeaves collects the last segment of every sensitive path of every registered version', () => {
  const flow = setup({
    types: {} as { context: Record<string, never> },
    input: z.object({}),
    events: {},
    tasks: {},
  });
  const definition = (version: number, sensitive: string[]) =>
    flow.define({
      name: 'flow',
      version,
      initial: 'done',
      sensitive,
      context: () => ({}),
      states: { done: { final: 'completed' } },
    });
  const registry = createRegistry([
    definition(1, ['customer.email']),
    definition(2, ['payment.cardNumber', 'ssn']),
  ]);
  expect([...sensitiveLeaves(registry)].sort()).toEqual(['cardNumber', 'email', 'ssn']);
});
