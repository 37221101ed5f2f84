// What a jest run leaves on a stack it may share (a developer's `make up`): the topics, consumer groups and Redis
// keys its suites named under the run's prefix (namespace.ts). Removed when the run ends, best effort: what could
// not go is answered, never thrown, so that a slow broker does not fail a run whose tests passed.
import { Kafka, logLevel } from 'kafkajs';
import { Redis } from 'ioredis';
import type { Endpoints } from './namespace';

const TOPICS_PER_REQUEST = 100;

export async function removeRunData(endpoints: Endpoints, prefix: string): Promise<string[]> {
  const problems: string[] = [];
  const attempt = (what: string, work: () => Promise<unknown>) =>
    work().catch((error: unknown) => void problems.push(`${what}: ${String(error)}`));
  const admin = new Kafka({ brokers: endpoints.kafkaBrokers.split(','), logLevel: logLevel.NOTHING }).admin();
  await attempt('kafka', async () => {
    await admin.connect();
    try {
      const ours = (name: string) => name.startsWith(`${prefix}-`);
      const topics = (await admin.listTopics()).filter(ours);
      for (let i = 0; i < topics.length; i += TOPICS_PER_REQUEST) {
        const chunk = topics.slice(i, i + TOPICS_PER_REQUEST);
        await attempt('topics', () => admin.deleteTopics({ topics: chunk, timeout: 30_000 }));
      }
      const groups = (await admin.listGroups()).groups.map((group) => group.groupId).filter(ours);
      if (groups.length > 0) await attempt('groups', () => admin.deleteGroups(groups));
    } finally {
      await admin.disconnect();
    }
  });
  await attempt('redis', () => deleteKeys(endpoints.redisUrl, `${prefix}-*`));
  return problems;
}

async function deleteKeys(url: string, pattern: string): Promise<void> {
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
