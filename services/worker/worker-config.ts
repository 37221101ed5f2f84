// The worker runner's configuration: one zod-validated object built from the environment, read once in main.ts.
import { z } from 'zod';
import { ConfigError } from '../platform/config/config-error';
import type { KafkaSettings, RedisSettings } from '../platform/config/orchestrator-config';

const positive = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** Environment variable → parsed value; the variable names are the contract with operators. */
const schema = z.object({
  KAFKA_BROKERS: z.string().min(1),
  SCHEMA_REGISTRY_URL: z.url(),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL'),
  STATEWRIGHT_PREFIX: z
    .string()
    .regex(/^[a-zA-Z0-9._-]+$/, 'letters, digits, dot, underscore and dash only')
    .default('statewright'),
  STATEWRIGHT_REDIS_PREFIX: z.string().min(1).default('statewright'),
  WORKER_GROUP: z.string().min(1).default('statewright-example-workers'),
  WORKER_NAME: z.string().min(1).default('example-workers'),
  WORKER_CONCURRENCY: positive(8),
  WORKER_HANDLER_TIMEOUT_MS: positive(60_000),
  WORKER_SHUTDOWN_TIMEOUT_MS: positive(10_000),
  WORKER_RESULT_TTL_SECONDS: positive(7 * 24 * 3600),
  WORKER_METRICS_PORT: z.coerce.number().int().min(0).max(65_535).default(9465),
  ORDER_FLAKY_PERCENT: z.coerce.number().int().min(0).max(100).default(0),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface WorkerConfig {
  readonly kafka: KafkaSettings;
  readonly schemaRegistryUrl: string;
  readonly redis: RedisSettings;
  readonly topicPrefix: string;
  readonly redisPrefix: string;
  readonly groupId: string;
  readonly name: string;
  readonly concurrency: number;
  readonly handlerTimeoutMs: number;
  readonly shutdownTimeoutMs: number;
  readonly resultTtlSeconds: number;
  /** Port of the /metrics server; 0 picks a free one (logged). */
  readonly metricsPort: number;
  readonly orderFlakyPercent: number;
  readonly logLevel: string;
}

/** Parses the environment; throws one ConfigError naming every problem. */
export function loadWorkerConfig(env: Readonly<Record<string, string | undefined>>): WorkerConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const v = parsed.data;
  return {
    kafka: {
      brokers: v.KAFKA_BROKERS.split(',').map((broker) => broker.trim()),
      clientId: v.WORKER_NAME,
      tls: false,
      tlsCaFile: undefined,
      sasl: undefined,
    },
    schemaRegistryUrl: v.SCHEMA_REGISTRY_URL,
    redis: { url: v.REDIS_URL, tls: false, password: undefined },
    topicPrefix: v.STATEWRIGHT_PREFIX,
    redisPrefix: v.STATEWRIGHT_REDIS_PREFIX,
    groupId: v.WORKER_GROUP,
    name: v.WORKER_NAME,
    concurrency: v.WORKER_CONCURRENCY,
    handlerTimeoutMs: v.WORKER_HANDLER_TIMEOUT_MS,
    shutdownTimeoutMs: v.WORKER_SHUTDOWN_TIMEOUT_MS,
    resultTtlSeconds: v.WORKER_RESULT_TTL_SECONDS,
    metricsPort: v.WORKER_METRICS_PORT,
    orderFlakyPercent: v.ORDER_FLAKY_PERCENT,
    logLevel: v.LOG_LEVEL,
  };
}
