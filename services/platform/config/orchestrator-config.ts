// The orchestrator's configuration: one zod-validated object built from the environment, read once in main.ts.
import { z } from 'zod';
import { connectionEnv, connectionsOf, logLevelEnv, parseEnv, type Connections } from './connection-settings';

const int = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** Environment variable → parsed value; the variable names are the contract with operators. */
const schema = z.object({
  ...connectionEnv,
  STATEWRIGHT_GROUP: z.string().min(1).default('statewright-orchestrator'),
  STATEWRIGHT_PARTITIONS: int(6),
  /** -1 keeps transitions for ever: the log is the source of truth, Redis only a cache of it. */
  STATEWRIGHT_TRANSITIONS_RETENTION_MS: z.coerce.number().int().min(-1).default(-1),
  STATEWRIGHT_SNAPSHOT_INTERVAL_MS: int(500),
  STATEWRIGHT_SNAPSHOT_MAX_DIRTY: int(1000),
  STATEWRIGHT_TIMER_TICK_MS: int(200),
  STATEWRIGHT_TIMER_REPUBLISH_MS: int(10_000),
  STATEWRIGHT_MAX_RECORD_BYTES: int(1_000_000),
  STATEWRIGHT_ORDER_SHIPPING_TIMEOUT_MS: int(30_000),
  METRICS_PORT: z.coerce.number().int().min(0).max(65_535).default(9464),
  ...logLevelEnv,
});

export interface OrchestratorConfig extends Connections {
  readonly groupId: string;
  readonly partitions: number;
  readonly transitionsRetentionMs: number;
  readonly snapshot: { readonly intervalMs: number; readonly maxDirty: number };
  readonly timers: { readonly tickMs: number; readonly republishMs: number };
  readonly maxRecordBytes: number;
  readonly orderShippingTimeoutMs: number;
  readonly metricsPort: number;
}

/** Parses the environment; throws one ConfigError naming every problem, one per line. */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): OrchestratorConfig {
  const v = parseEnv(schema, env);
  return {
    ...connectionsOf(v, 'statewright-orchestrator'),
    groupId: v.STATEWRIGHT_GROUP,
    partitions: v.STATEWRIGHT_PARTITIONS,
    transitionsRetentionMs: v.STATEWRIGHT_TRANSITIONS_RETENTION_MS,
    snapshot: { intervalMs: v.STATEWRIGHT_SNAPSHOT_INTERVAL_MS, maxDirty: v.STATEWRIGHT_SNAPSHOT_MAX_DIRTY },
    timers: { tickMs: v.STATEWRIGHT_TIMER_TICK_MS, republishMs: v.STATEWRIGHT_TIMER_REPUBLISH_MS },
    maxRecordBytes: v.STATEWRIGHT_MAX_RECORD_BYTES,
    orderShippingTimeoutMs: v.STATEWRIGHT_ORDER_SHIPPING_TIMEOUT_MS,
    metricsPort: v.METRICS_PORT,
  };
}
