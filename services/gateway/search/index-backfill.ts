// Builds the search index once from the read model, for a read model that existed before the index did: its
// instances were folded by a projection that kept no index, and their records will not be read again. A marker
// key records that the backfill ran; each write is the index's own offset-guarded upsert, so a backfill racing
// the projection (or another gateway's backfill) cannot undo a newer write.
import type { Redis } from 'ioredis';
import type { Instance } from '../../core';
import type { Logger } from '../../platform/logging/logger';
import type { InstanceIndex } from './instance-index';

export async function backfillIndex(
  redis: Redis,
  index: InstanceIndex,
  redisPrefix: string,
  logger: Logger,
): Promise<void> {
  if ((await redis.exists(index.keys.built)) === 1) return;
  let cursor = '0';
  let indexed = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${redisPrefix}:instance:*`, 'COUNT', 500);
    cursor = next;
    const stored = await Promise.all(keys.map((key) => redis.hmget(key, 'offset', 'instance')));
    const writes = stored.map(async ([offset, json], at) => {
      if (offset === null || offset === undefined || json === null || json === undefined) return;
      const instance = parsed(json);
      if (instance === undefined) {
        logger.warn({ key: keys[at] }, 'read model instance not JSON: left out of the search index');
        return;
      }
      if (await index.upsert(Number(offset), instance)) indexed += 1;
    });
    await Promise.all(writes);
  } while (cursor !== '0');
  await redis.set(index.keys.built, String(Date.now()));
  logger.info({ indexed }, 'search index built from the read model');
}

function parsed(json: string): Instance | undefined {
  try {
    return JSON.parse(json) as Instance;
  } catch {
    return undefined;
  }
}
