// How every service reaches Kafka, the schema registry and Redis: the shared environment variables,
// their validation, and the settings the client factories take. Services add their own variables.
import { z } from 'zod';
import { ConfigError } from './config-error';

const optional = z.string().min(1).optional();
const flag = z
  .enum(['true', 'false', '1', '0'])
  .default('false')
  .transform((value) => value === 'true' || value === '1');

/** The variables every service reads; the names are the contract with operators. */
export const connectionEnv = {
  KAFKA_BROKERS: z.string().min(1),
  KAFKA_CLIENT_ID: optional,
  KAFKA_TLS: flag,
  KAFKA_TLS_CA_FILE: optional,
  KAFKA_SASL_MECHANISM: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']).optional(),
  KAFKA_SASL_USERNAME: optional,
  KAFKA_SASL_PASSWORD: optional,
  /** The Kafka client library: kafkajs, or confluent (librdkafka; built by `make confluent-client`). */
  STATEWRIGHT_KAFKA_CLIENT: z.enum(['kafkajs', 'confluent']).default('kafkajs'),
  SCHEMA_REGISTRY_URL: z.url(),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL'),
  REDIS_TLS: flag,
  REDIS_TLS_CA_FILE: optional,
  REDIS_PASSWORD: optional,
  STATEWRIGHT_PREFIX: z
    .string()
    .regex(/^[a-zA-Z0-9._-]+$/, 'letters, digits, dot, underscore and dash only')
    .default('statewright'),
  STATEWRIGHT_REDIS_PREFIX: z.string().min(1).default('statewright'),
};

/** Spread last into a service's schema, after its own variables. */
export const logLevelEnv = {
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
};

type ConnectionEnv = z.output<z.ZodObject<typeof connectionEnv & typeof logLevelEnv>>;

export interface SaslSettings {
  readonly mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512';
  readonly username: string;
  readonly password: string;
}

export type KafkaClientName = 'kafkajs' | 'confluent';

export interface KafkaSettings {
  /** Which adapter of the LogClient port createKafka builds. */
  readonly client: KafkaClientName;
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly tls: boolean;
  readonly tlsCaFile: string | undefined;
  readonly sasl: SaslSettings | undefined;
}

export interface RedisSettings {
  readonly url: string;
  readonly tls: boolean;
  /** PEM file of the CA that signed the server's certificate; the system's CAs when unset. */
  readonly tlsCaFile: string | undefined;
  readonly password: string | undefined;
}

export interface Connections {
  readonly kafka: KafkaSettings;
  readonly schemaRegistryUrl: string;
  readonly redis: RedisSettings;
  readonly topicPrefix: string;
  readonly redisPrefix: string;
  readonly logLevel: string;
}

/** Validates the environment against `schema`; throws one ConfigError naming every problem, one per line. */
export function parseEnv<S extends z.ZodType>(
  schema: S,
  env: Readonly<Record<string, string | undefined>>,
): z.output<S> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  return parsed.data;
}

/** The connection settings of parsed variables; `clientId` names the service when KAFKA_CLIENT_ID is unset. */
export function connectionsOf(v: ConnectionEnv, clientId: string): Connections {
  return {
    kafka: kafkaSettingsOf(v, clientId),
    schemaRegistryUrl: v.SCHEMA_REGISTRY_URL,
    redis: {
      url: v.REDIS_URL,
      tls: v.REDIS_TLS || v.REDIS_URL.startsWith('rediss://'),
      tlsCaFile: v.REDIS_TLS_CA_FILE,
      password: v.REDIS_PASSWORD,
    },
    topicPrefix: v.STATEWRIGHT_PREFIX,
    redisPrefix: v.STATEWRIGHT_REDIS_PREFIX,
    logLevel: v.LOG_LEVEL,
  };
}

type KafkaEnv = Pick<ConnectionEnv, Extract<keyof ConnectionEnv, `KAFKA_${string}`>> &
  Partial<Pick<ConnectionEnv, 'STATEWRIGHT_KAFKA_CLIENT'>>;

/** The Kafka part of the connection settings, for a client that needs Kafka alone. */
export function kafkaSettingsOf(v: KafkaEnv, clientId: string): KafkaSettings {
  return {
    client: v.STATEWRIGHT_KAFKA_CLIENT ?? 'kafkajs',
    brokers: v.KAFKA_BROKERS.split(',').map((broker) => broker.trim()),
    clientId: v.KAFKA_CLIENT_ID ?? clientId,
    tls: v.KAFKA_TLS,
    tlsCaFile: v.KAFKA_TLS_CA_FILE,
    sasl: saslOf(v),
  };
}

function saslOf(v: KafkaEnv): SaslSettings | undefined {
  if (v.KAFKA_SASL_MECHANISM === undefined) {
    if (v.KAFKA_SASL_USERNAME !== undefined || v.KAFKA_SASL_PASSWORD !== undefined) {
      throw new ConfigError(['KAFKA_SASL_MECHANISM: required when KAFKA_SASL_USERNAME or _PASSWORD is set']);
    }
    return undefined;
  }
  const missing = [
    v.KAFKA_SASL_USERNAME === undefined ? 'KAFKA_SASL_USERNAME: required with KAFKA_SASL_MECHANISM' : null,
    v.KAFKA_SASL_PASSWORD === undefined ? 'KAFKA_SASL_PASSWORD: required with KAFKA_SASL_MECHANISM' : null,
  ].filter((problem): problem is string => problem !== null);
  if (missing.length > 0) throw new ConfigError(missing);
  return {
    mechanism: v.KAFKA_SASL_MECHANISM,
    username: v.KAFKA_SASL_USERNAME as string,
    password: v.KAFKA_SASL_PASSWORD as string,
  };
}
