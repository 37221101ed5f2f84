// The orchestrator's configuration: one zod-validated object built from the environment, read once in main.ts.
import { z } from 'zod';
import type { HotRetention } from '../retention/hot-retention';
import type { TopicRetention } from '../../platform/kafka/topic-provisioner';
import {
  connectionEnv,
  connectionsOf,
  logLevelEnv,
  parseEnv,
  type Connections,
} from '../../platform/config/connection-settings';
import { cryptoEnv, cryptoSettingsOf, type CryptoSettings } from '../../platform/config/crypto-settings';
import { DEFAULT_CANARY_POLICY, type CanaryPolicy } from '../../core';

const int = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const retentionMs = (fallback: number) => z.coerce.number().int().min(-1).default(fallback);

const DAY_MS = 86_400_000;
export const DEFAULT_BATCH_LINGER_MS = 5;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: DAY_MS };
const DURATION = /^(\d+)(ms|s|m|h|d)$/;

/** `forever`, or a whole number with a unit: `500ms`, `30s`, `15m`, `12h`, `7d`. */
const duration = z
  .string()
  .trim()
  .refine((text) => text === 'forever' || DURATION.test(text), 'a duration like 30s, 12h or 7d, or forever')
  .transform((text): number | null => {
    const match = DURATION.exec(text);
    return match === null ? null : Number(match[1]) * (UNIT_MS[match[2] as string] as number);
  });

/** `*=7d,order-saga=30d,bench-flow=1h`: how long finished instances stay in the hot set, per workflow. */
const hotRetention = z
  .string()
  .default('*=7d')
  .transform((text, ctx): HotRetention => {
    const byWorkflow: Record<string, number | null> = {};
    let fallbackMs: number | null = null;
    for (const entry of text
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean)) {
      const [name, value, extra] = entry.split('=');
      const parsed = duration.safeParse(value ?? '');
      if (!name || extra !== undefined || !parsed.success) {
        ctx.addIssue({ code: 'custom', message: `"${entry}" is not <workflow or *>=<duration or forever>` });
        continue;
      }
      if (name.trim() === '*') fallbackMs = parsed.data;
      else byWorkflow[name.trim()] = parsed.data;
    }
    return { byWorkflow, fallbackMs };
  });

/** Environment variable → parsed value; the variable names are the contract with operators. */
const schema = z.object({
  ...connectionEnv,
  ...cryptoEnv,
  STATEWRIGHT_GROUP: z.string().min(1).default('statewright-orchestrator'),
  STATEWRIGHT_PARTITIONS: int(6),
  /** -1 keeps transitions for ever: the log is the source of truth, Redis only a cache of it. */
  STATEWRIGHT_TRANSITIONS_RETENTION_MS: retentionMs(-1),
  STATEWRIGHT_COMMANDS_RETENTION_MS: retentionMs(7 * DAY_MS),
  STATEWRIGHT_TASKS_RETENTION_MS: retentionMs(7 * DAY_MS),
  STATEWRIGHT_DLQ_RETENTION_MS: retentionMs(-1),
  STATEWRIGHT_AUDIT_RETENTION_MS: retentionMs(-1),
  STATEWRIGHT_HOT_RETENTION: hotRetention,
  STATEWRIGHT_SNAPSHOT_INTERVAL_MS: int(500),
  STATEWRIGHT_SNAPSHOT_MAX_DIRTY: int(1000),
  STATEWRIGHT_TIMER_TICK_MS: int(200),
  /**
   * How long the group waits for a silent member before its partitions move (the broker's minimum is 6000):
   * the failover time after a crash is about this plus a restore.
   */
  STATEWRIGHT_SESSION_TIMEOUT_MS: int(6_000),
  STATEWRIGHT_HEARTBEAT_INTERVAL_MS: int(1_000),
  STATEWRIGHT_TIMER_REPUBLISH_MS: int(10_000),
  STATEWRIGHT_MAX_RECORD_BYTES: int(1_000_000),
  /**
   * After a small batch, how long a partition waits before it reads on, so that the commands arriving meanwhile
   * share the next transaction: 0 reads on at once (the lowest latency at low load, the most transactions).
   */
  STATEWRIGHT_BATCH_LINGER_MS: z.coerce.number().int().min(0).default(DEFAULT_BATCH_LINGER_MS),
  STATEWRIGHT_FLEET_HEALTH_INTERVAL_MS: int(1_000),
  STATEWRIGHT_FLEET_HEALTH_STALE_MS: int(15_000),
  /** A canary is judged on the instances that finished within this window (and since its rule was set). */
  STATEWRIGHT_CANARY_WINDOW: duration
    .refine((ms) => ms !== null && ms > 0, 'a positive duration, not forever')
    .transform((ms) => ms ?? DEFAULT_CANARY_POLICY.windowMs)
    .default(DEFAULT_CANARY_POLICY.windowMs),
  STATEWRIGHT_CANARY_MIN_FINISHED: int(DEFAULT_CANARY_POLICY.minFinished),
  /** 0.1: the canary's failure rate may exceed the stable version's by ten points before it is reverted. */
  STATEWRIGHT_CANARY_MARGIN: z.coerce.number().min(0).max(1).default(DEFAULT_CANARY_POLICY.margin),
  STATEWRIGHT_CANARY_INTERVAL_MS: int(5_000),
  METRICS_PORT: z.coerce.number().int().min(0).max(65_535).default(9464),
  /** The loopback interface unless a scraper elsewhere needs it, e.g. `0.0.0.0` in a container. */
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  ...logLevelEnv,
});

/** The consumer group's liveness: a member silent for `sessionTimeoutMs` is taken for dead. */
export interface GroupTimeouts {
  readonly sessionTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
}

export interface OrchestratorConfig extends Connections {
  readonly groupId: string;
  readonly partitions: number;
  readonly transitionsRetentionMs: number;
  readonly topicRetention: TopicRetention;
  readonly hotRetention: HotRetention;
  readonly crypto: CryptoSettings;
  readonly snapshot: { readonly intervalMs: number; readonly maxDirty: number };
  readonly timers: { readonly tickMs: number; readonly republishMs: number };
  readonly group: GroupTimeouts;
  readonly maxRecordBytes: number;
  readonly batchLingerMs: number;
  /** How worker heartbeats become health commands (see HealthWatcher). */
  readonly fleetHealth: { readonly intervalMs: number; readonly staleMs: number };
  /** When a canary rule is reverted by itself (see CanaryWatch), and how often that is judged. */
  readonly canary: CanaryPolicy & { readonly intervalMs: number };
  readonly metricsPort: number;
  readonly metricsHost: string;
}

/** Parses the environment; throws one ConfigError naming every problem, one per line. */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): OrchestratorConfig {
  const v = parseEnv(schema, env);
  return {
    ...connectionsOf(v, 'statewright-orchestrator'),
    groupId: v.STATEWRIGHT_GROUP,
    partitions: v.STATEWRIGHT_PARTITIONS,
    transitionsRetentionMs: v.STATEWRIGHT_TRANSITIONS_RETENTION_MS,
    topicRetention: {
      commands: v.STATEWRIGHT_COMMANDS_RETENTION_MS,
      tasks: v.STATEWRIGHT_TASKS_RETENTION_MS,
      dlq: v.STATEWRIGHT_DLQ_RETENTION_MS,
      audit: v.STATEWRIGHT_AUDIT_RETENTION_MS,
    },
    hotRetention: v.STATEWRIGHT_HOT_RETENTION,
    crypto: cryptoSettingsOf(v),
    snapshot: { intervalMs: v.STATEWRIGHT_SNAPSHOT_INTERVAL_MS, maxDirty: v.STATEWRIGHT_SNAPSHOT_MAX_DIRTY },
    timers: { tickMs: v.STATEWRIGHT_TIMER_TICK_MS, republishMs: v.STATEWRIGHT_TIMER_REPUBLISH_MS },
    group: {
      sessionTimeoutMs: v.STATEWRIGHT_SESSION_TIMEOUT_MS,
      heartbeatIntervalMs: v.STATEWRIGHT_HEARTBEAT_INTERVAL_MS,
    },
    maxRecordBytes: v.STATEWRIGHT_MAX_RECORD_BYTES,
    batchLingerMs: v.STATEWRIGHT_BATCH_LINGER_MS,
    fleetHealth: {
      intervalMs: v.STATEWRIGHT_FLEET_HEALTH_INTERVAL_MS,
      staleMs: v.STATEWRIGHT_FLEET_HEALTH_STALE_MS,
    },
    canary: {
      windowMs: v.STATEWRIGHT_CANARY_WINDOW,
      minFinished: v.STATEWRIGHT_CANARY_MIN_FINISHED,
      margin: v.STATEWRIGHT_CANARY_MARGIN,
      intervalMs: v.STATEWRIGHT_CANARY_INTERVAL_MS,
    },
    metricsPort: v.METRICS_PORT,
    metricsHost: v.METRICS_HOST,
  };
}
