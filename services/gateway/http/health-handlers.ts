// Liveness (the process answers) and readiness (it can publish, read Redis, and its projection runs). Both are
// public, so they answer with booleans only: why a check failed goes to the log, never to the caller.
import type { Redis } from 'ioredis';
import type { Logger } from '../../platform/logging/logger';
import type { CommandLog } from '../../platform/kafka/command-log';
import type { TransitionsProjection } from '../projection/transitions-projection';
import type { Handlers } from './register-routes';

export interface HealthDeps {
  readonly redis: Redis;
  readonly publisher: CommandLog;
  readonly projection: TransitionsProjection;
  /** Where a failed check's reason goes. */
  readonly logger: Logger;
}

export function healthHandlers(deps: HealthDeps): Pick<Handlers, 'healthz' | 'readyz'> {
  return {
    healthz: async () => ({ status: 200, body: { status: 'ok' } }),
    readyz: async () => {
      const redis = await ping(deps);
      const projection = deps.projection.status().running;
      const kafka = deps.publisher.isConnected();
      const ready = redis && kafka && projection;
      const checks = { kafka, redis: { ok: redis }, projection: { running: projection } };
      return { status: ready ? 200 : 503, body: { ready, checks } };
    },
  };
}

/** A failed ping is the answer to the check; its reason is logged, not answered. */
async function ping(deps: HealthDeps): Promise<boolean> {
  try {
    return (await deps.redis.ping()) === 'PONG';
  } catch (error) {
    deps.logger.warn({ err: error, check: 'redis' }, 'readiness check failed');
    return false;
  }
}
