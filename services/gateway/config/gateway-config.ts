// The gateway's configuration: one zod-validated object built from the environment, read once in main.ts.
import { z } from 'zod';
import { ConfigError } from '../../platform/config/config-error';
import type { KafkaSettings, RedisSettings } from '../../platform/config/orchestrator-config';
import { authEnvSchema, authSettingsOf, type AuthSettings } from './auth-config';

const positive = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** Environment variable → parsed value; the names match the orchestrator's where they mean the same thing. */
const schema = z.object({
  KAFKA_BROKERS: z.string().min(1),
  SCHEMA_REGISTRY_URL: z.url(),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL'),
  REDIS_PASSWORD: z.string().min(1).optional(),
  STATEWRIGHT_PREFIX: z
    .string()
    .regex(/^[a-zA-Z0-9._-]+$/, 'letters, digits, dot, underscore and dash only')
    .default('statewright'),
  STATEWRIGHT_REDIS_PREFIX: z.string().min(1).default('statewright'),
  STATEWRIGHT_PROJECTION_GROUP: z.string().min(1).optional(),
  GATEWAY_PORT: z.coerce.number().int().min(0).max(65_535).default(8080),
  GATEWAY_HOST: z.string().min(1).default('127.0.0.1'),
  GATEWAY_BODY_LIMIT_BYTES: positive(1_048_576),
  GATEWAY_IDEMPOTENCY_TTL_S: positive(86_400),
  GATEWAY_OUTCOME_TTL_S: positive(86_400),
  KAFKA_CLIENT_ID: z.string().min(1).default('statewright-gateway'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ...authEnvSchema.shape,
});

export interface GatewayConfig {
  readonly kafka: KafkaSettings;
  readonly schemaRegistryUrl: string;
  readonly redis: RedisSettings;
  readonly topicPrefix: string;
  readonly redisPrefix: string;
  /** The projection's consumer group: replicas sharing it split the partitions of one shared read model. */
  readonly projectionGroup: string;
  readonly http: { readonly port: number; readonly host: string; readonly bodyLimitBytes: number };
  readonly idempotencyTtlSeconds: number;
  readonly outcomeTtlSeconds: number;
  readonly logLevel: string;
  readonly auth: AuthSettings;
}

/** Parses the environment; throws one ConfigError naming every problem. */
export function loadGatewayConfig(env: Readonly<Record<string, string | undefined>>): GatewayConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const v = parsed.data;
  const auth = authSettingsOf(v);
  if ('problems' in auth) throw new ConfigError(auth.problems);
  return {
    kafka: {
      brokers: v.KAFKA_BROKERS.split(',').map((broker) => broker.trim()),
      clientId: v.KAFKA_CLIENT_ID,
      tls: false,
      tlsCaFile: undefined,
      sasl: undefined,
    },
    schemaRegistryUrl: v.SCHEMA_REGISTRY_URL,
    redis: { url: v.REDIS_URL, tls: v.REDIS_URL.startsWith('rediss://'), password: v.REDIS_PASSWORD },
    topicPrefix: v.STATEWRIGHT_PREFIX,
    redisPrefix: v.STATEWRIGHT_REDIS_PREFIX,
    projectionGroup: v.STATEWRIGHT_PROJECTION_GROUP ?? `${v.STATEWRIGHT_PREFIX}.gateway-projection`,
    http: { port: v.GATEWAY_PORT, host: v.GATEWAY_HOST, bodyLimitBytes: v.GATEWAY_BODY_LIMIT_BYTES },
    idempotencyTtlSeconds: v.GATEWAY_IDEMPOTENCY_TTL_S,
    outcomeTtlSeconds: v.GATEWAY_OUTCOME_TTL_S,
    logLevel: v.LOG_LEVEL,
    auth,
  };
}
