// The gateway's configuration: one zod-validated object built from the environment, read once in main.ts.
import { z } from 'zod';
import { ConfigError } from '../../platform/config/config-error';
import {
  connectionEnv,
  connectionsOf,
  logLevelEnv,
  parseEnv,
  type Connections,
} from '../../platform/config/connection-settings';
import { cryptoEnv, cryptoSettingsOf, type CryptoSettings } from '../../platform/config/crypto-settings';
import { MAX_WAIT_MS } from '../http/route-table';
import type { WaiterLimits } from '../outcome/waiter-limit';
import { authEnvSchema, authSettingsOf, type AuthSettings } from './auth-config';

const positive = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/**
 * How long a client may take and how many connections it may hold: an unauthenticated caller reaches the server
 * before any credential is checked, so these bound what a slow or idle one can tie up.
 */
export interface HttpLimits {
  /** From the connection's first byte to the end of the request headers. */
  readonly headersTimeoutMs: number;
  /** From the first byte to the end of the request body; the answer (a `?wait` included) is not counted. */
  readonly requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this; longer than a load balancer's idle timeout. */
  readonly keepAliveTimeoutMs: number;
  /** A connection with no bytes moving either way is closed after this; longer than the longest `?wait`. */
  readonly idleTimeoutMs: number;
  /** Open connections; one more is closed as soon as it is accepted. */
  readonly maxConnections: number;
}

export const HTTP_LIMIT_DEFAULTS: HttpLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 72_000,
  idleTimeoutMs: 60_000,
  maxConnections: 1024,
};

/** Environment variable → parsed value; the names match the orchestrator's where they mean the same thing. */
const schema = z
  .object({
    ...connectionEnv,
    STATEWRIGHT_PROJECTION_GROUP: z.string().min(1).optional(),
    GATEWAY_PORT: z.coerce.number().int().min(0).max(65_535).default(8080),
    GATEWAY_HOST: z.string().min(1).default('127.0.0.1'),
    GATEWAY_BODY_LIMIT_BYTES: positive(1_048_576),
    GATEWAY_HEADERS_TIMEOUT_MS: positive(HTTP_LIMIT_DEFAULTS.headersTimeoutMs),
    GATEWAY_REQUEST_TIMEOUT_MS: positive(HTTP_LIMIT_DEFAULTS.requestTimeoutMs),
    GATEWAY_KEEP_ALIVE_TIMEOUT_MS: positive(HTTP_LIMIT_DEFAULTS.keepAliveTimeoutMs),
    GATEWAY_IDLE_TIMEOUT_MS: positive(HTTP_LIMIT_DEFAULTS.idleTimeoutMs),
    GATEWAY_MAX_CONNECTIONS: positive(HTTP_LIMIT_DEFAULTS.maxConnections),
    GATEWAY_MAX_INPUT_BYTES: positive(262_144),
    GATEWAY_MAX_WAITERS: positive(1_000),
    GATEWAY_MAX_WAITERS_PER_CALLER: positive(50),
    GATEWAY_IDEMPOTENCY_TTL_S: positive(86_400),
    GATEWAY_UI_STREAMS: positive(100),
    GATEWAY_UI_DIR: z.string().min(1).optional(),
    GATEWAY_STUCK_AFTER_MS: positive(3_600_000),
    GATEWAY_OUTCOME_TTL_S: positive(86_400),
    ...logLevelEnv,
    ...authEnvSchema.shape,
    ...cryptoEnv,
  })
  .superRefine((v, ctx) => {
    if (v.GATEWAY_HEADERS_TIMEOUT_MS > v.GATEWAY_REQUEST_TIMEOUT_MS) {
      ctx.addIssue({
        code: 'custom',
        path: ['GATEWAY_HEADERS_TIMEOUT_MS'],
        message: 'must not exceed GATEWAY_REQUEST_TIMEOUT_MS: the headers are part of the request',
      });
    }
    if (v.GATEWAY_IDLE_TIMEOUT_MS <= MAX_WAIT_MS) {
      ctx.addIssue({
        code: 'custom',
        path: ['GATEWAY_IDLE_TIMEOUT_MS'],
        message: `must exceed ${MAX_WAIT_MS}, the longest ?wait, during which no bytes move`,
      });
    }
  });

export interface GatewayConfig extends Connections {
  /** The projection's consumer group: replicas sharing it split the partitions of one shared read model. */
  readonly projectionGroup: string;
  readonly http: {
    readonly port: number;
    readonly host: string;
    readonly bodyLimitBytes: number;
    /**
     * A start's input or a signal's payload, as JSON: well under the record limit, because a definition copies
     * it into the context and into task inputs, which travel together in one transition record.
     */
    readonly maxInputBytes: number;
    readonly limits: HttpLimits;
    /** `?wait` requests held open at once, in total and per caller. */
    readonly waiters: WaiterLimits;
    /** The operator UI's live streams open at once. */
    readonly liveStreams?: number;
  };
  /** An instance in a state without a timeout for longer than this counts as stuck in the graph's figures. */
  readonly stuckAfterMs: number;
  /** Where the operator UI's built files are; dist/ui beside the compiled gateway when absent. */
  readonly uiDir?: string;
  readonly idempotencyTtlSeconds: number;
  readonly outcomeTtlSeconds: number;
  readonly auth: AuthSettings;
  /** Without a KEK file sensitive fields are published in plaintext and cannot be erased. */
  readonly crypto: CryptoSettings;
}

/** Parses the environment; throws one ConfigError naming every problem. */
export function loadGatewayConfig(env: Readonly<Record<string, string | undefined>>): GatewayConfig {
  const v = parseEnv(schema, env);
  const auth = authSettingsOf(v);
  if ('problems' in auth) throw new ConfigError(auth.problems);
  return {
    ...connectionsOf(v, 'statewright-gateway'),
    projectionGroup: v.STATEWRIGHT_PROJECTION_GROUP ?? `${v.STATEWRIGHT_PREFIX}.gateway-projection`,
    http: {
      port: v.GATEWAY_PORT,
      host: v.GATEWAY_HOST,
      bodyLimitBytes: v.GATEWAY_BODY_LIMIT_BYTES,
      maxInputBytes: v.GATEWAY_MAX_INPUT_BYTES,
      limits: {
        headersTimeoutMs: v.GATEWAY_HEADERS_TIMEOUT_MS,
        requestTimeoutMs: v.GATEWAY_REQUEST_TIMEOUT_MS,
        keepAliveTimeoutMs: v.GATEWAY_KEEP_ALIVE_TIMEOUT_MS,
        idleTimeoutMs: v.GATEWAY_IDLE_TIMEOUT_MS,
        maxConnections: v.GATEWAY_MAX_CONNECTIONS,
      },
      waiters: { total: v.GATEWAY_MAX_WAITERS, perCaller: v.GATEWAY_MAX_WAITERS_PER_CALLER },
      liveStreams: v.GATEWAY_UI_STREAMS,
    },
    stuckAfterMs: v.GATEWAY_STUCK_AFTER_MS,
    ...(v.GATEWAY_UI_DIR === undefined ? {} : { uiDir: v.GATEWAY_UI_DIR }),
    idempotencyTtlSeconds: v.GATEWAY_IDEMPOTENCY_TTL_S,
    outcomeTtlSeconds: v.GATEWAY_OUTCOME_TTL_S,
    auth,
    crypto: cryptoSettingsOf(v),
  };
}
