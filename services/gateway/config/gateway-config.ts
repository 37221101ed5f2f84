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
import { authEnvSchema, authSettingsOf, type AuthSettings } from './auth-config';

const positive = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** Environment variable → parsed value; the names match the orchestrator's where they mean the same thing. */
const schema = z.object({
  ...connectionEnv,
  STATEWRIGHT_PROJECTION_GROUP: z.string().min(1).optional(),
  GATEWAY_PORT: z.coerce.number().int().min(0).max(65_535).default(8080),
  GATEWAY_HOST: z.string().min(1).default('127.0.0.1'),
  GATEWAY_BODY_LIMIT_BYTES: positive(1_048_576),
  GATEWAY_IDEMPOTENCY_TTL_S: positive(86_400),
  GATEWAY_OUTCOME_TTL_S: positive(86_400),
  ...logLevelEnv,
  ...authEnvSchema.shape,
  ...cryptoEnv,
});

export interface GatewayConfig extends Connections {
  /** The projection's consumer group: replicas sharing it split the partitions of one shared read model. */
  readonly projectionGroup: string;
  readonly http: { readonly port: number; readonly host: string; readonly bodyLimitBytes: number };
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
    http: { port: v.GATEWAY_PORT, host: v.GATEWAY_HOST, bodyLimitBytes: v.GATEWAY_BODY_LIMIT_BYTES },
    idempotencyTtlSeconds: v.GATEWAY_IDEMPOTENCY_TTL_S,
    outcomeTtlSeconds: v.GATEWAY_OUTCOME_TTL_S,
    auth,
    crypto: cryptoSettingsOf(v),
  };
}
