// Counts performed side effects in Redis, per effect and order, so tests and operators can see an effect ran once.
import type { Redis } from 'ioredis';

export type Effect = 'reserve' | 'charge' | 'ship' | 'release' | 'refund';

const TTL_SECONDS = 7 * 24 * 3600;

export class EffectCounter {
  constructor(
    private readonly redis: Redis,
    private readonly redisPrefix: string,
  ) {}

  keyOf(effect: Effect, correlationId: string): string {
    return `${this.redisPrefix}:effects:${effect}:${correlationId}`;
  }

  async count(effect: Effect, correlationId: string): Promise<number> {
    const key = this.keyOf(effect, correlationId);
    const results = await this.redis.multi().incr(key).expire(key, TTL_SECONDS).exec();
    const [error, value] = results?.[0] ?? [new Error('MULTI was discarded'), null];
    if (error !== null) throw error;
    return Number(value);
  }

  async read(effect: Effect, correlationId: string): Promise<number> {
    return Number((await this.redis.get(this.keyOf(effect, correlationId))) ?? 0);
  }
}
