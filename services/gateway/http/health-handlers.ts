// Liveness (the process answers) and readiness (it can publish, read Redis, and its projection runs).
import type { Redis } from 'ioredis';
import type { CommandPublisher } from '../commands/command-publisher';
import type { TransitionsProjection } from '../projection/transitions-projection';
import type { Handlers } from './register-routes';

export interface HealthDeps {
  readonly redis: Redis;
  readonly publisher: CommandPublisher;
  readonly projection: TransitionsProjection;
}

export function healthHandlers(deps: HealthDeps): Pick<Handlers, 'healthz' | 'readyz'> {
  return {
    healthz: async () => ({ status: 200, body: { status: 'ok' } }),
    readyz: async () => {
      const redis = await ping(deps.redis);
      const projection = deps.projection.status();
      const kafka = deps.publisher.isConnected();
      const ready = redis.ok && kafka && projection.running;
      return { status: ready ? 200 : 503, body: { ready, checks: { kafka, redis, projection } } };
    },
  };
}

/** A failed ping is the answer to the check, reported with its reason. */
async function ping(redis: Redis): Promise<{ ok: boolean; error?: string }> {
  try {
    return { ok: (await redis.ping()) === 'PONG' };
  } catch (error) {
    return { ok: false, error: String(error) };
  }
}
