import { ApiError } from '../http/api-error';
import { WaiterLimit } from './waiter-limit';

const refusal = (take: () => unknown) => {
  try {
    take();
  } catch (error) {
    return error;
  }
  return undefined;
};

test('a caller holds at most its share of waiting slots; a released slot can be taken again', () => {
  const limit = new WaiterLimit({ total: 10, perCaller: 2 });
  const first = limit.acquire('alice');
  limit.acquire('alice');
  const refused = refusal(() => limit.acquire('alice'));
  expect(refused).toBeInstanceOf(ApiError);
  expect(refused).toMatchObject({ status: 429, code: 'too-many-waiters' });
  expect(() => limit.acquire('bob')).not.toThrow();
  first();
  first();
  expect(() => limit.acquire('alice')).not.toThrow();
});

test('the gateway-wide limit holds across callers', () => {
  const limit = new WaiterLimit({ total: 2, perCaller: 2 });
  limit.acquire('a');
  limit.acquire('b');
  expect(refusal(() => limit.acquire('c'))).toMatchObject({ status: 429 });
});
