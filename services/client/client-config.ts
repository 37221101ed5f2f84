// The command client's settings, validated once: explicit options win over the environment variables every
// statewright service reads (KAFKA_BROKERS, SCHEMA_REGISTRY_URL, STATEWRIGHT_PREFIX, the KAFKA_TLS and SASL ones).
import { z } from 'zod';
import {
  connectionEnv,
  kafkaSettingsOf,
  logLevelEnv,
  parseEnv,
  type KafkaSettings,
} from '../platform/config/connection-settings';
import { ConfigError } from '../platform/config/config-error';

export interface CommandClientOptions {
  /** Who publishes: recorded on every command, and half of each command id (with the idempotency key). */
  readonly actor: string;
  /** Kafka bootstrap brokers, e.g. `['127.0.0.1:9092']`; KAFKA_BROKERS when absent. */
  readonly brokers?: readonly string[];
  /** The Confluent-compatible schema registry; SCHEMA_REGISTRY_URL when absent. */
  readonly registryUrl?: string;
  /** The topic prefix of the deployment (`<prefix>.commands`); STATEWRIGHT_PREFIX, else `statewright`. */
  readonly topicPrefix?: string;
  /** Where the other settings are read; the process environment when absent. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Epoch milliseconds stamped on each command; `Date.now` when absent. */
  readonly clock?: () => number;
}

export interface ClientConfig {
  readonly actor: string;
  readonly kafka: KafkaSettings;
  readonly schemaRegistryUrl: string;
  readonly topicPrefix: string;
  readonly logLevel: string;
}

const schema = z.object({
  KAFKA_BROKERS: connectionEnv.KAFKA_BROKERS,
  KAFKA_CLIENT_ID: connectionEnv.KAFKA_CLIENT_ID,
  KAFKA_TLS: connectionEnv.KAFKA_TLS,
  KAFKA_TLS_CA_FILE: connectionEnv.KAFKA_TLS_CA_FILE,
  KAFKA_SASL_MECHANISM: connectionEnv.KAFKA_SASL_MECHANISM,
  KAFKA_SASL_USERNAME: connectionEnv.KAFKA_SASL_USERNAME,
  KAFKA_SASL_PASSWORD: connectionEnv.KAFKA_SASL_PASSWORD,
  SCHEMA_REGISTRY_URL: connectionEnv.SCHEMA_REGISTRY_URL,
  STATEWRIGHT_PREFIX: connectionEnv.STATEWRIGHT_PREFIX,
  ...logLevelEnv,
});

const actor = z
  .string({ error: 'actor is required: the name the commands are recorded under' })
  .min(1, 'actor must not be empty')
  .max(256, 'actor has at most 256 characters');

/** Throws one ConfigError naming every problem (a missing broker list, a bad URL or prefix, no actor). */
export function loadClientConfig(options: CommandClientOptions): ClientConfig {
  const env = options.env ?? process.env;
  const parsedActor = actor.safeParse(options.actor);
  if (!parsedActor.success) throw new ConfigError(parsedActor.error.issues.map((i) => `actor: ${i.message}`));
  const v = parseEnv(schema, {
    ...env,
    KAFKA_BROKERS: options.brokers?.join(',') ?? env.KAFKA_BROKERS,
    SCHEMA_REGISTRY_URL: options.registryUrl ?? env.SCHEMA_REGISTRY_URL,
    STATEWRIGHT_PREFIX: options.topicPrefix ?? env.STATEWRIGHT_PREFIX,
  });
  return {
    actor: parsedActor.data,
    kafka: kafkaSettingsOf(v, 'statewright-client'),
    schemaRegistryUrl: v.SCHEMA_REGISTRY_URL,
    topicPrefix: v.STATEWRIGHT_PREFIX,
    logLevel: v.LOG_LEVEL,
  };
}
