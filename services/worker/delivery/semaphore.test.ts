import { Semaphore } from './semaphore';

test('a semaphore admits no more than its limit and hands slots on in arrival order', async () => {
  const semaphore = new Semaphore(2);
  const order: string[] = [];
  const first = await semaphore.acquire();
  const second = await semaphore.acquire();
  const third = semaphore.acquire().then((release) => (order.push('third'), release));
  const fourth = semaphore.acquire().then((release) => (order.push('fourth'), release));
  expect(semaphore.inUse).toBe(2);
  first();
  first();
  (await third)();
  second();
  (await fourth)();
  expect(order).toEqual(['third', 'fourth']);
  expect(semaphore.inUse).toBe(0);
});
