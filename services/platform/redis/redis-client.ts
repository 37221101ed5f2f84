// Builds the ioredis client from configuration (TLS and AUTH optional).
import { Redis } from 'ioredis';
import type { RedisSettings } from '../config/orchestrator-config';

export function createRedis(settings: RedisSettings): Redis {
  return new Redis(settings.url, {
    password: settings.password,
    tls: settings.tls ? {} : undefined,
    maxRetriesPerRequest: 3,
    lazyConnect: false,
  });
}
