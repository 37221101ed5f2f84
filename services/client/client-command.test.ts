import { MAX_CORRELATION_ID_LENGTH, MAX_JSON_DEPTH, type JsonValue } from '../core';
import { clientCommandId } from '../platform/idempotency/client-command-id';
import { ConfigError } from '../platform/config/config-error';
import { loadClientConfig } from './client-config';
import { clientCommand } from './client-command';
import { InvalidCommandError } from './client-errors';

const issuer = { actor: 'billing-service', now: 1_700_000_000_000 };
const key = { idempotencyKey: 'order-42-start' };
const start = (correlationId: string, input: JsonValue = { orderId: '42' }) =>
  clientCommand(issuer, 'order-saga', correlationId, { type: 'start', input, version: null }, key);

const invalid = (act: () => unknown): InvalidCommandError => {
  try {
    act();
  } catch (error) {
    if (error instanceof InvalidCommandError) return error;
    throw error;
  }
  throw new Error('expected an InvalidCommandError');
};

describe('client commands', () => {
  test('the command id is the one the gateway derives for the same actor and idempotency key', () => {
    const command = start('order-42');
    expect(command.commandId).toBe(clientCommandId('billing-service', 'order-42-start'));
    expect(command).toMatchObject({
      type: 'start',
      correlationId: 'order-42',
      workflow: 'order-saga',
      actor: 'billing-service',
      timestamp: issuer.now,
      input: { orderId: '42' },
      version: null,
    });
  });

  test('the same key sent again is the same command; another actor’s key is another command', () => {
    expect(start('order-42').commandId).toBe(start('order-42').commandId);
    const other = clientCommand(
      { ...issuer, actor: 'shop' },
      'order-saga',
      'order-42',
      {
        type: 'cancel',
        reason: '',
      },
      key,
    );
    expect(other.commandId).not.toBe(start('order-42').commandId);
  });

  test('signal and cancel carry their own part', () => {
    const signal = clientCommand(
      issuer,
      'order-saga',
      'order-42',
      {
        type: 'signal',
        event: 'customer-note',
        payload: { note: 'hi' },
      },
      key,
    );
    expect(signal).toMatchObject({ type: 'signal', event: 'customer-note', payload: { note: 'hi' } });
    const cancel = clientCommand(issuer, 'order-saga', 'order-42', { type: 'cancel', reason: 'gone' }, key);
    expect(cancel).toMatchObject({ type: 'cancel', reason: 'gone' });
  });

  test.each([
    [
      'an empty idempotency key',
      () => clientCommand(issuer, 'w', 'c', { type: 'cancel', reason: '' }, { idempotencyKey: '' }),
      'idempotencyKey',
    ],
    [
      'a key with a space',
      () => clientCommand(issuer, 'w', 'c', { type: 'cancel', reason: '' }, { idempotencyKey: 'a b' }),
      'idempotencyKey',
    ],
    ['an empty correlation id', () => start(''), 'correlationId'],
    [
      'a correlation id too long for a new instance',
      () => start('x'.repeat(MAX_CORRELATION_ID_LENGTH + 1)),
      'correlationId',
    ],
    ['an unprintable correlation id', () => start('order\n42'), 'printable'],
    [
      'an empty workflow',
      () => clientCommand(issuer, '', 'c', { type: 'cancel', reason: '' }, key),
      'workflow',
    ],
    [
      'an empty event',
      () => clientCommand(issuer, 'w', 'c', { type: 'signal', event: '', payload: null }, key),
      'event',
    ],
    ['input nested too deep', () => start('order-42', deep(MAX_JSON_DEPTH + 2)), 'nested deeper'],
  ])('%s is refused before anything is published', (_name, act, problem) => {
    const error = invalid(act);
    expect(error.retriable).toBe(false);
    expect(error.code).toBe('invalid-command');
    expect(error.message).toContain(problem);
  });
});

describe('client configuration', () => {
  test('explicit options win over the environment', () => {
    const config = loadClientConfig({
      actor: 'billing-service',
      brokers: ['a:9092', 'b:9092'],
      registryUrl: 'http://registry:8081',
      topicPrefix: 'shop',
      env: { KAFKA_BROKERS: 'env:9092', STATEWRIGHT_PREFIX: 'env' },
    });
    expect(config).toMatchObject({
      actor: 'billing-service',
      kafka: { brokers: ['a:9092', 'b:9092'], clientId: 'statewright-client', tls: false, sasl: undefined },
      schemaRegistryUrl: 'http://registry:8081',
      topicPrefix: 'shop',
    });
  });

  test('the environment fills what the options leave out; Redis is not needed', () => {
    const config = loadClientConfig({
      actor: 'a',
      env: { KAFKA_BROKERS: 'k:9092', SCHEMA_REGISTRY_URL: 'http://r:8081' },
    });
    expect(config).toMatchObject({ kafka: { brokers: ['k:9092'] }, topicPrefix: 'statewright' });
  });

  test('missing brokers and registry, or no actor, are one ConfigError naming each', () => {
    expect(() => loadClientConfig({ actor: 'a', env: {} })).toThrow(ConfigError);
    expect(() => loadClientConfig({ actor: 'a', env: {} })).toThrow(
      /KAFKA_BROKERS[\s\S]*SCHEMA_REGISTRY_URL/,
    );
    expect(() => loadClientConfig({ actor: '', brokers: ['k:1'], registryUrl: 'http://r' })).toThrow(/actor/);
    expect(() =>
      loadClientConfig({ actor: 'a', brokers: ['k:1'], registryUrl: 'http://r', topicPrefix: 'a b' }),
    ).toThrow(/STATEWRIGHT_PREFIX/);
  });
});

function deep(levels: number): JsonValue {
  let value: JsonValue = 1;
  for (let i = 0; i < levels; i++) value = [value];
  return value;
}
