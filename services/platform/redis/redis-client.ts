// Builds the ioredis client from configuration (TLS with an optional CA file, and AUTH optional). Commands
// issued in the same tick share one socket write (auto-pipelining): workers run many small GET/SET NX pairs.
import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { Redis } from 'ioredis';
import type { RedisSettings } from '../config/connection-settings';

function tlsOf(settings: RedisSettings): ConnectionOptions | undefined {
  if (!settings.tls) return undefined;
  return settings.tlsCaFile === undefined ? {} : { ca: [readFileSync(settings.tlsCaFile, 'utf8')] };
}

export function createRedis(settings: RedisSettings): Redis {
  return new Redis(settings.url, {
    password: settings.password,
    tls: tlsOf(settings),
    maxRetriesPerRequest: 3,
    lazyConnect: false,
    enableAutoPipelining: true,
  });
}
