import { isFenced } from './confluent-failure';

const librdkafkaError = (code: number, type: string) => Object.assign(new Error(type), { code, type });

test('librdkafka fencing codes are fencing, also as the cause of another error', () => {
  expect(isFenced(librdkafkaError(-144, 'ERR__FENCED'))).toBe(true);
  expect(isFenced(librdkafkaError(47, 'ERR_INVALID_PRODUCER_EPOCH'))).toBe(true);
  expect(isFenced(new Error('abort failed', { cause: librdkafkaError(90, 'ERR_PRODUCER_FENCED') }))).toBe(
    true,
  );
});

test('a purged queue or a concurrent transaction is not fencing', () => {
  expect(isFenced(librdkafkaError(-152, 'ERR__PURGE_QUEUE'))).toBe(false);
  expect(isFenced(librdkafkaError(51, 'ERR_CONCURRENT_TRANSACTIONS'))).toBe(false);
  expect(isFenced('fenced')).toBe(false);
});
