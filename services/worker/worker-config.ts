// The worker runner's configuration: one zod-validated object built from the environment, read once in main.ts.
import { z } from 'zod';
import {
  connectionEnv,
  connectionsOf,
  logLevelEnv,
  parseEnv,
  type Connections,
} from '../platform/config/connection-settings';
import { cryptoEnv, cryptoSettingsOf, type CryptoSettings } from '../platform/config/crypto-settings';

const positive = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** Environment variable → parsed value; the variable names are the contract with operators. */
const schema = z.object({
  ...connectionEnv,
  WORKER_GROUP: z.string().min(1).default('statewright-workers'),
  WORKER_NAME: z.string().min(1).default('workers'),
  WORKER_CONCURRENCY: positive(8),
  WORKER_HANDLER_TIMEOUT_MS: positive(60_000),
  WORKER_SHUTDOWN_TIMEOUT_MS: positive(10_000),
  WORKER_RESULT_TTL_SECONDS: positive(7 * 24 * 3600),
  WORKER_METRICS_PORT: z.coerce.number().int().min(0).max(65_535).default(9465),
  /** The loopback interface unless a scraper elsewhere needs it, e.g. `0.0.0.0` in a container. */
  WORKER_METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  ...logLevelEnv,
  ...cryptoEnv,
});

export interface WorkerConfig extends Connections {
  readonly groupId: string;
  readonly name: string;
  readonly concurrency: number;
  readonly handlerTimeoutMs: number;
  readonly shutdownTimeoutMs: number;
  readonly resultTtlSeconds: number;
  /** Port of the /metrics server; 0 picks a free one (logged). */
  readonly metricsPort: number;
  readonly metricsHost: string;
  /** Without a KEK file the worker cannot decrypt task inputs; an encrypted one fails its attempt. */
  readonly crypto: CryptoSettings;
}

/** Parses the environment; throws one ConfigError naming every problem. */
export function loadWorkerConfig(env: Readonly<Record<string, string | undefined>>): WorkerConfig {
  const v = parseEnv(schema, env);
  return {
    ...connectionsOf(v, v.WORKER_NAME),
    groupId: v.WORKER_GROUP,
    name: v.WORKER_NAME,
    concurrency: v.WORKER_CONCURRENCY,
    handlerTimeoutMs: v.WORKER_HANDLER_TIMEOUT_MS,
    shutdownTimeoutMs: v.WORKER_SHUTDOWN_TIMEOUT_MS,
    resultTtlSeconds: v.WORKER_RESULT_TTL_SECONDS,
    metricsPort: v.WORKER_METRICS_PORT,
    metricsHost: v.WORKER_METRICS_HOST,
    crypto: cryptoSettingsOf(v),
  };
}
