// The orchestrator's configuration: one zod-validated object built from the environment, read once in main.ts.
import { z } from 'zod';
import { ConfigError } from './config-error';

const int = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const optional = z.string().min(1).optional();
const flag = z
  .enum(['true', 'false', '1', '0'])
  .default('false')
  .transform((value) => value === 'true' || value === '1');

/** Environment variable → parsed value; the variable names are the contract with operators. */
const schema = z.object({
  KAFKA_BROKERS: z.string().min(1),
  SCHEMA_REGISTRY_URL: z.url(),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL'),
  STATEWRIGHT_PREFIX: z
    .string()
    .regex(/^[a-zA-Z0-9._-]+$/, 'letters, digits, dot, underscore and dash only')
    .default('statewright'),
  STATEWRIGHT_GROUP: z.string().min(1).default('statewright-orchestrator'),
  STATEWRIGHT_REDIS_PREFIX: z.string().min(1).default('statewright'),
  STATEWRIGHT_PARTITIONS: int(6),
  /** -1 keeps transitions for ever: the log is the source of truth, Redis only a cache of it. */
  STATEWRIGHT_TRANSITIONS_RETENTION_MS: z.coerce.number().int().min(-1).default(-1),
  STATEWRIGHT_SNAPSHOT_INTERVAL_MS: int(500),
  STATEWRIGHT_SNAPSHOT_MAX_DIRTY: int(1000),
  STATEWRIGHT_TIMER_TICK_MS: int(200),
  STATEWRIGHT_TIMER_REPUBLISH_MS: int(10_000),
  STATEWRIGHT_MAX_RECORD_BYTES: int(1_000_000),
  STATEWRIGHT_ORDER_SHIPPING_TIMEOUT_MS: int(30_000),
  KAFKA_CLIENT_ID: z.string().min(1).default('statewright-orchestrator'),
  KAFKA_TLS: flag,
  KAFKA_TLS_CA_FILE: optional,
  KAFKA_SASL_MECHANISM: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']).optional(),
  KAFKA_SASL_USERNAME: optional,
  KAFKA_SASL_PASSWORD: optional,
  REDIS_TLS: flag,
  REDIS_PASSWORD: optional,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  METRICS_PORT: z.coerce.number().int().min(0).max(65_535).default(9464),
});

export interface SaslSettings {
  readonly mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512';
  readonly username: string;
  readonly password: string;
}

export interface KafkaSettings {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly tls: boolean;
  readonly tlsCaFile: string | undefined;
  readonly sasl: SaslSettings | undefined;
}

export interface RedisSettings {
  readonly url: string;
  readonly tls: boolean;
  readonly password: string | undefined;
}

export interface OrchestratorConfig {
  readonly kafka: KafkaSettings;
  readonly schemaRegistryUrl: string;
  readonly redis: RedisSettings;
  readonly topicPrefix: string;
  readonly groupId: string;
  readonly redisPrefix: string;
  readonly partitions: number;
  readonly transitionsRetentionMs: number;
  readonly snapshot: { readonly intervalMs: number; readonly maxDirty: number };
  readonly timers: { readonly tickMs: number; readonly republishMs: number };
  readonly maxRecordBytes: number;
  readonly orderShippingTimeoutMs: number;
  readonly logLevel: string;
  readonly metricsPort: number;
}

/** Parses the environment; throws one ConfigError naming every problem, one per line. */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): OrchestratorConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const v = parsed.data;
  const sasl = saslOf(v);
  return {
    kafka: {
      brokers: v.KAFKA_BROKERS.split(',').map((broker) => broker.trim()),
      clientId: v.KAFKA_CLIENT_ID,
      tls: v.KAFKA_TLS,
      tlsCaFile: v.KAFKA_TLS_CA_FILE,
      sasl,
    },
    schemaRegistryUrl: v.SCHEMA_REGISTRY_URL,
    redis: { url: v.REDIS_URL, tls: v.REDIS_TLS, password: v.REDIS_PASSWORD },
    topicPrefix: v.STATEWRIGHT_PREFIX,
    groupId: v.STATEWRIGHT_GROUP,
    redisPrefix: v.STATEWRIGHT_REDIS_PREFIX,
    partitions: v.STATEWRIGHT_PARTITIONS,
    transitionsRetentionMs: v.STATEWRIGHT_TRANSITIONS_RETENTION_MS,
    snapshot: { intervalMs: v.STATEWRIGHT_SNAPSHOT_INTERVAL_MS, maxDirty: v.STATEWRIGHT_SNAPSHOT_MAX_DIRTY },
    timers: { tickMs: v.STATEWRIGHT_TIMER_TICK_MS, republishMs: v.STATEWRIGHT_TIMER_REPUBLISH_MS },
    maxRecordBytes: v.STATEWRIGHT_MAX_RECORD_BYTES,
    orderShippingTimeoutMs: v.STATEWRIGHT_ORDER_SHIPPING_TIMEOUT_MS,
    logLevel: v.LOG_LEVEL,
    metricsPort: v.METRICS_PORT,
  };
}

function saslOf(v: z.output<typeof schema>): SaslSettings | undefined {
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
