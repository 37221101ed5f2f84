// Creates the deployment's topics if missing and checks those that exist; safe to run at every start.
import type { Admin, ITopicConfig } from 'kafkajs';
import type { TopicNames } from './topic-names';
import { TopicLayoutError } from './topic-layout-error';

export interface TopicLayout {
  readonly partitions: number;
  /** Retention of the transitions topic; -1 keeps it for ever. */
  readonly transitionsRetentionMs: number;
  readonly replicationFactor?: number;
}

/** Commands and transitions share the partition count: transitions partition i is processor i's changelog. */
function wanted(names: TopicNames, layout: TopicLayout): ITopicConfig[] {
  const replicationFactor = layout.replicationFactor ?? -1;
  const partitions = layout.partitions;
  return [
    { topic: names.commands, numPartitions: partitions, replicationFactor },
    {
      topic: names.transitions,
      numPartitions: partitions,
      replicationFactor,
      configEntries: [
        { name: 'cleanup.policy', value: 'delete' },
        { name: 'retention.ms', value: String(layout.transitionsRetentionMs) },
      ],
    },
    { topic: names.tasks, numPartitions: partitions, replicationFactor },
    { topic: names.dlq, numPartitions: 1, replicationFactor },
  ];
}

export async function provisionTopics(admin: Admin, names: TopicNames, layout: TopicLayout): Promise<void> {
  const topics = wanted(names, layout);
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((topic) => !existing.has(topic.topic));
  if (missing.length > 0) await admin.createTopics({ topics: missing, waitForLeaders: true });
  await checkPartitions(admin, [names.commands, names.transitions], layout.partitions);
}

async function checkPartitions(admin: Admin, topics: string[], partitions: number): Promise<void> {
  const metadata = await admin.fetchTopicMetadata({ topics });
  for (const topic of metadata.topics) {
    if (topic.partitions.length !== partitions) {
      throw new TopicLayoutError(
        topic.name,
        `topic ${topic.name} has ${topic.partitions.length} partitions, statewright is configured for ${partitions}; commands and transitions must have the same count`,
      );
    }
  }
}
