// The gateway's check of inputs and payloads against the catalogue's JSON Schemas: every wrong field by its path.
import { z } from 'zod';
import { ApiError } from '../http/api-error';
import { PayloadValidator } from './payload-validator';
import type { JsonObject } from '../../core';

const schema = z.toJSONSchema(
  z.object({
    name: z.string().min(1),
    customer: z.object({ email: z.email() }),
    items: z.array(z.object({ quantity: z.number().int().positive() })).min(1),
  }),
  { io: 'input', target: 'draft-7' },
) as JsonObject;

const refusal = (value: unknown): ApiError => {
  try {
    new PayloadValidator().check(schema, value, 'invalid-input', 'input of shop');
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('the value was accepted');
};

test('a fitting value passes', () => {
  const value = { name: 'a', customer: { email: 'a@example.com' }, items: [{ quantity: 1 }] };
  expect(() => new PayloadValidator().check(schema, value, 'invalid-input', 'input')).not.toThrow();
});

test('a missing field, a wrong nested type and a bad array element are each named by their path', () => {
  const error = refusal({ customer: { email: 7 }, items: [{ quantity: 0 }] });
  expect(error).toMatchObject({ status: 400, code: 'invalid-input' });
  const paths = (error.details as { path: string }[]).map((issue) => issue.path).sort();
  expect(paths).toEqual(['customer.email', 'items.0.quantity', 'name']);
  expect(error.message).toMatch(/^input of shop is invalid: /);
});

test("a string format is checked by zod's own pattern", () => {
  const error = refusal({ name: 'a', customer: { email: 'not-an-address' }, items: [{ quantity: 1 }] });
  expect((error.details as { path: string }[]).map((issue) => issue.path)).toEqual(['customer.email']);
});
