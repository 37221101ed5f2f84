// loadConfig: defaults from a minimal environment, and one error listing every problem with its variable.
import { ConfigError } from './config-error';
import { loadConfig } from './orchestrator-config';

const minimal = {
  KAFKA_BROKERS: '127.0.0.1:19092, 127.0.0.1:19093',
  SCHEMA_REGISTRY_URL: 'http://127.0.0.1:18081/apis/ccompat/v7',
  REDIS_URL: 'redis://127.0.0.1:16379',
};

test('a minimal environment gets the documented defaults', () => {
  const config = loadConfig(minimal);
  expect(config).toMatchObject({
    kafka: { brokers: ['127.0.0.1:19092', '127.0.0.1:19093'], tls: false, sasl: undefined },
    topicPrefix: 'statewright',
    partitions: 6,
    transitionsRetentionMs: -1,
    logLevel: 'info',
  });
});

test('every problem is reported at once, one per line, with its variable name', () => {
  const failure = () =>
    loadConfig({ REDIS_URL: 'http://nope', STATEWRIGHT_PARTITIONS: '0', LOG_LEVEL: 'loud' });
  expect(failure).toThrow(ConfigError);
  const lines = (() => {
    try {
      failure();
      return [];
    } catch (error) {
      return (error as ConfigError).problems;
    }
  })();
  expect(lines.map((line) => line.split(':')[0])).toEqual([
    'KAFKA_BROKERS',
    'SCHEMA_REGISTRY_URL',
    'REDIS_URL',
    'STATEWRIGHT_PARTITIONS',
    'LOG_LEVEL',
  ]);
});

test('SASL needs its username and password', () => {
  expect(() => loadConfig({ ...minimal, KAFKA_SASL_MECHANISM: 'plain' })).toThrow(/KAFKA_SASL_USERNAME/);
});
