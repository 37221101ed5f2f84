// Where the Kafka commands connect: the services' connection variables, TLS and SASL included, with the
// command-line options winning over their variables.
import { CliError } from '../cli-error';
import { EXIT } from '../exit-codes';
import { kafkaConnectionOf } from './log-commands';

const secureEnv = {
  KAFKA_BROKERS: 'kafka-1:9093, kafka-2:9093',
  KAFKA_TLS: 'true',
  KAFKA_TLS_CA_FILE: '/etc/statewright/ca.crt',
  KAFKA_SASL_MECHANISM: 'scram-sha-512',
  KAFKA_SASL_USERNAME: 'gateway',
  KAFKA_SASL_PASSWORD: 'not-a-real-password',
  SCHEMA_REGISTRY_URL: 'http://registry:8081/apis/ccompat/v7',
  REDIS_URL: 'rediss://redis:6380',
  STATEWRIGHT_PREFIX: 'orders',
};

test('the variables every service reads configure the Kafka client, TLS and SASL included', () => {
  expect(kafkaConnectionOf({}, secureEnv)).toEqual({
    kafka: {
      brokers: ['kafka-1:9093', 'kafka-2:9093'],
      client: 'kafkajs',
      clientId: 'statewright-cli',
      tls: true,
      tlsCaFile: '/etc/statewright/ca.crt',
      sasl: { mechanism: 'scram-sha-512', username: 'gateway', password: 'not-a-real-password' },
    },
    registryUrl: 'http://registry:8081/apis/ccompat/v7',
    prefix: 'orders',
  });
});

test('--brokers, --registry and --prefix win over their variables; TLS and SASL still come from the environment', () => {
  const connection = kafkaConnectionOf(
    { brokers: '10.0.0.1:9093', registry: 'http://10.0.0.2:8081', prefix: 'staging' },
    secureEnv,
  );
  expect(connection).toMatchObject({
    kafka: { brokers: ['10.0.0.1:9093'], tls: true, sasl: { username: 'gateway' } },
    registryUrl: 'http://10.0.0.2:8081',
    prefix: 'staging',
  });
});

test('with nothing set, the local plain stack', () => {
  expect(kafkaConnectionOf({}, {})).toEqual({
    kafka: {
      brokers: ['127.0.0.1:19092'],
      client: 'kafkajs',
      clientId: 'statewright-cli',
      tls: false,
      tlsCaFile: undefined,
      sasl: undefined,
    },
    registryUrl: 'http://127.0.0.1:18081/apis/ccompat/v7',
    prefix: 'statewright',
  });
});

test('STATEWRIGHT_KAFKA_CLIENT chooses the client; another name is a usage error naming the variable', () => {
  expect(kafkaConnectionOf({}, { STATEWRIGHT_KAFKA_CLIENT: 'confluent' }).kafka.client).toBe('confluent');
  expect(() => kafkaConnectionOf({}, { STATEWRIGHT_KAFKA_CLIENT: 'rdkafka' })).toThrow(
    /STATEWRIGHT_KAFKA_CLIENT/,
  );
});

test('an incomplete SASL setting is a usage error naming the variable', () => {
  const { KAFKA_SASL_PASSWORD: _password, ...withoutPassword } = secureEnv;
  let thrown: unknown;
  try {
    kafkaConnectionOf({}, withoutPassword);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(CliError);
  expect(thrown).toMatchObject({ exitCode: EXIT.usage, code: 'invalid-config' });
  expect((thrown as CliError).message).toContain('KAFKA_SASL_PASSWORD: required with KAFKA_SASL_MECHANISM');
});
