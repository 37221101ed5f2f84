// Removing what suites named on a stack they may share (a developer's `make up`): a namespace's topics and Redis
// keys when its suite ends, and at the end of a jest run every topic, consumer group and Redis key named under the
// run's prefix (namespace.ts).
import { Kafka, KafkaJSDeleteGroupsError, logLevel, type Admin } from 'kafkajs';
import { Redis } from 'ioredis';
import type { Endpoints } from './namespace';

const TOPICS_PER_REQUEST = 100;

/**
 * The run's topics, groups and keys, best effort: what could not go is answered, never thrown, so that a slow
 * broker does not fail a run whose tests passed.
 */
export async function removeRunData(endpoints: Endpoints, prefix: string): Promise<string[]> {
  const problems: string[] = [];
  const attempt = (what: string, work: () => Promise<unknown>) =>
    work().catch((error: unknown) => void problems.push(`${what}: ${String(error)}`));
  const ours = (name: string) => name.startsWith(`${prefix}-`);
  await attempt('kafka', () =>
    withAdmin(endpoints, async (admin) => {
      await attempt('topics', () => deleteTopicsWhere(admin, ours));
      const groups = (await admin.listGroups()).groups.map((group) => group.groupId).filter(ours);
      if (groups.length > 0) {
        await attempt('groups', () =>
          admin.deleteGroups(groups).catch((error: unknown) => Promise.reject(groupsLeft(error))),
        );
      }
    }),
  );
  await attempt('redis', () => deleteRedisKeys(endpoints.redisUrl, `${prefix}-*`));
  return problems;
}

/**
 * Which groups stayed and why, by the broker's error name: a group whose members have not left yet (one killed
 * within its session timeout) is `NON_EMPTY_GROUP`.
 */
function groupsLeft(error: unknown): unknown {
  if (!(error instanceof KafkaJSDeleteGroupsError)) return error;
  const left = error.groups.map(({ groupId, error: cause }) => `${groupId} (${cause?.type ?? 'unknown'})`);
  return new Error(`${left.length} not deleted: ${left.join(', ')}`, { cause: error });
}

export async function withAdmin(endpoints: Endpoints, work: (admin: Admin) => Promise<void>): Promise<void> {
  const admin = new Kafka({ brokers: endpoints.kafkaBrokers.split(','), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await work(admin);
  } finally {
    await admin.disconnect();
  }
}

/** Deletes the topics `wanted` takes, in requests of a bounded size. */
export async function deleteTopicsWhere(admin: Admin, wanted: (topic: string) => boolean): Promise<void> {
  const topics = (await admin.listTopics()).filter(wanted);
  for (let i = 0; i < topics.length; i += TOPICS_PER_REQUEST) {
    await admin.deleteTopics({ topics: topics.slice(i, i + TOPICS_PER_REQUEST), timeout: 30_000 });
  }
}

/** Deletes the Redis keys matching `pattern`, a page of SCAN at a time (never KEYS or FLUSHALL: Redis is shared). */
export async function deleteRedisKeys(url: string, pattern: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 3, lazyConnect: true });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      if (keys.length > 0) await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
