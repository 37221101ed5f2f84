// loadConfig: defaults from a minimal environment, and one error listing every problem with its variable.
import { ConfigError } from '../../platform/config/config-error';
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

test('retention: topics in ms, finished instances per workflow with a fallback; bad entries are named', () => {
  const config = loadConfig({
    ...minimal,
    STATEWRIGHT_COMMANDS_RETENTION_MS: '3600000',
    STATEWRIGHT_HOT_RETENTION: '*=forever, order-saga=30d,bench-flow=90s',
  });
  expect(config.topicRetention).toEqual({ commands: 3_600_000, tasks: 604_800_000, dlq: -1, audit: -1 });
  expect(config.hotRetention).toEqual({
    byWorkflow: { 'order-saga': 2_592_000_000, 'bench-flow': 90_000 },
    fallbackMs: null,
  });
  expect(loadConfig(minimal).hotRetention).toEqual({ byWorkflow: {}, fallbackMs: 604_800_000 });
  expect(() => loadConfig({ ...minimal, STATEWRIGHT_HOT_RETENTION: 'order-saga=soon' })).toThrow(
    /STATEWRIGHT_HOT_RETENTION: "order-saga=soon" is not <workflow or \*>=<duration or forever>/,
  );
});

test('the canary rollback has defaults, and its window is a positive duration', () => {
  expect(loadConfig(minimal).canary).toEqual({
    windowMs: 900_000,
    minFinished: 20,
    margin: 0.1,
    intervalMs: 5_000,
  });
  const set = loadConfig({
    ...minimal,
    STATEWRIGHT_CANARY_WINDOW: '2h',
    STATEWRIGHT_CANARY_MIN_FINISHED: '50',
    STATEWRIGHT_CANARY_MARGIN: '0.05',
  });
  expect(set.canary).toMatchObject({ windowMs: 7_200_000, minFinished: 50, margin: 0.05 });
  expect(() => loadConfig({ ...minimal, STATEWRIGHT_CANARY_WINDOW: 'forever' })).toThrow(
    /STATEWRIGHT_CANARY_WINDOW/,
  );
  expect(() => loadConfig({ ...minimal, STATEWRIGHT_CANARY_MARGIN: '2' })).toThrow(
    /STATEWRIGHT_CANARY_MARGIN/,
  );
});

test('the batch linger is 5 ms unless set; 0 turns it off, and a negative or fractional value is refused', () => {
  expect(loadConfig(minimal).batchLingerMs).toBe(5);
  expect(loadConfig({ ...minimal, STATEWRIGHT_BATCH_LINGER_MS: '0' }).batchLingerMs).toBe(0);
  for (const bad of ['-1', '2.5', 'soon'])
    expect(() => loadConfig({ ...minimal, STATEWRIGHT_BATCH_LINGER_MS: bad })).toThrow(
      /STATEWRIGHT_BATCH_LINGER_MS/,
    );
});
