// How many partitions a topic has, read from the broker: for writing a partition command to every partition.
import type { LogClient } from './log-client';
import { TopicLayoutError } from './topic-layout-error';

export async function partitionCount(log: LogClient, topic: string): Promise<number> {
  const admin = log.admin();
  await admin.connect();
  try {
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    const count = metadata.topics.find((entry) => entry.name === topic)?.partitions.length ?? 0;
    if (count === 0) throw new TopicLayoutError(topic, `topic ${topic} has no partitions`);
    return count;
  } finally {
    await admin.disconnect();
  }
}
