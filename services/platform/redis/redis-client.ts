// Builds the ioredis client from configuration (TLS and AUTH optional). Commands issued in the same
// tick share one socket write (auto-pipelining): workers run many small GET/SET NX pairs at once.
import { Redis } from 'ioredis';
import type { RedisSettings } from '../config/connection-settings';

export function createRedis(settings: RedisSettings): Redis {
  return new Redis(settings.url, {
    password: settings.password,
    tls: settings.tls ? {} : undefined,
    maxRetriesPerRequest: 3,
    lazyConnect: false,
    enableAutoPipelining: true,
  });
}
