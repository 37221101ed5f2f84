// Redis is real: a round trip, and a MULTI/EXEC that writes two keys atomically.
import Redis from 'ioredis';
import { endpoints, testNamespace } from '../../harness/namespace';

const { redisUrl } = endpoints();
const ns = testNamespace('redis');
const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 3 });

beforeAll(() => redis.connect());
afterAll(async () => {
  const keys = await redis.keys(`${ns.redisPrefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

test('a value written is read back', async () => {
  await redis.set(`${ns.redisPrefix}:greeting`, 'hello', 'EX', 60);
  expect(await redis.get(`${ns.redisPrefix}:greeting`)).toBe('hello');
});

test('MULTI/EXEC writes a hash and its meta record together', async () => {
  const tag = `${ns.redisPrefix}:{p0}`;
  const results = await redis
    .multi()
    .hset(`${tag}:instances`, 'order-1', '{"seq":3}')
    .set(`${tag}:meta`, '17')
    .exec();
  expect(results?.every(([error]) => error === null)).toBe(true);
  expect(await redis.hget(`${tag}:instances`, 'order-1')).toBe('{"seq":3}');
  expect(await redis.get(`${tag}:meta`)).toBe('17');
});

test('AOF persistence is on', async () => {
  const config = (await redis.config('GET', 'appendonly')) as string[];
  expect(config[1]).toBe('yes');
});
