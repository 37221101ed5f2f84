// Creates the deployment's topics if missing, checks their partition counts and applies the configured retention
// to topics that already exist; safe to run at every start.
import { setTimeout as delay } from 'node:timers/promises';
import { isUnknownTopic } from './kafka-failure';
import './kafkajs-replacements';
import { ConfigResourceTypes } from 'kafkajs';
import type { LogAdmin, TopicSpec } from './log-admin';
import { KEYS_TOPIC_CONFIG_ENTRIES } from '../crypto/keys-topic';
import type { TopicNames } from './topic-names';
import { TopicLayoutError } from './topic-layout-error';

const DAY_MS = 86_400_000;

/** Retention per topic in ms; -1 keeps records for ever. */
export interface TopicRetention {
  readonly commands: number;
  readonly tasks: number;
  readonly dlq: number;
  readonly audit: number;
}

/** Commands and tasks are inputs already folded into the log; dead letters and the audit trail are kept. */
export const DEFAULT_RETENTION: TopicRetention = {
  commands: 7 * DAY_MS,
  tasks: 7 * DAY_MS,
  dlq: -1,
  audit: -1,
};

export interface TopicLayout {
  readonly partitions: number;
  /** Retention of the transitions topic; -1 keeps it for ever. */
  readonly transitionsRetentionMs: number;
  readonly retention?: Partial<TopicRetention>;
  readonly replicationFactor?: number;
}

const deleting = (retentionMs: number) => [
  { name: 'cleanup.policy', value: 'delete' },
  { name: 'retention.ms', value: String(retentionMs) },
];

/**
 * Commands, transitions and keys share the partition count: transitions partition i is processor i's changelog,
 * and the keys of the instances of commands partition i land in keys partition i.
 */
function wanted(names: TopicNames, layout: TopicLayout): TopicSpec[] {
  const replicationFactor = layout.replicationFactor ?? -1;
  const partitions = layout.partitions;
  const retention = { ...DEFAULT_RETENTION, ...layout.retention };
  return [
    { topic: names.commands, numPartitions: partitions, configEntries: deleting(retention.commands) },
    {
      topic: names.transitions,
      numPartitions: partitions,
      configEntries: deleting(layout.transitionsRetentionMs),
    },
    { topic: names.tasks, numPartitions: partitions, configEntries: deleting(retention.tasks) },
    { topic: names.dlq, numPartitions: 1, configEntries: deleting(retention.dlq) },
    { topic: names.audit, numPartitions: partitions, configEntries: deleting(retention.audit) },
    {
      topic: names.keys,
      numPartitions: partitions,
      configEntries: [...KEYS_TOPIC_CONFIG_ENTRIES],
    },
    {
      topic: names.settings,
      numPartitions: 1,
      configEntries: [{ name: 'cleanup.policy', value: 'compact' }],
    },
    {
      topic: names.definitions,
      numPartitions: 1,
      configEntries: [{ name: 'cleanup.policy', value: 'compact' }],
    },
    {
      topic: names.health,
      numPartitions: 1,
      configEntries: [{ name: 'cleanup.policy', value: 'compact' }],
    },
  ].map((topic) => ({ ...topic, replicationFactor }));
}

export async function provisionTopics(
  admin: LogAdmin,
  names: TopicNames,
  layout: TopicLayout,
): Promise<void> {
  const topics = wanted(names, layout);
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((topic) => !existing.has(topic.topic));
  if (missing.length > 0) await createTopics(admin, missing);
  await checkPartitions(admin, [names.commands, names.transitions, names.keys], layout.partitions);
  await applyConfigs(
    admin,
    topics.filter((topic) => existing.has(topic.topic)),
  );
}

/** Sets the wanted configuration of existing topics where it differs from what the broker reports. */
async function applyConfigs(admin: LogAdmin, topics: readonly TopicSpec[]): Promise<void> {
  if (topics.length === 0) return;
  const described = await admin.describeConfigs({
    includeSynonyms: false,
    resources: topics.map((topic) => ({ type: ConfigResourceTypes.TOPIC, name: topic.topic })),
  });
  const current = new Map(
    described.resources.map((resource) => [
      resource.resourceName,
      new Map(resource.configEntries.map((entry) => [entry.configName, entry.configValue])),
    ]),
  );
  const stale = topics.filter((topic) =>
    topic.configEntries.some((entry) => current.get(topic.topic)?.get(entry.name) !== entry.value),
  );
  if (stale.length === 0) return;
  await admin.alterConfigs({
    validateOnly: false,
    resources: stale.map((topic) => ({
      type: ConfigResourceTypes.TOPIC,
      name: topic.topic,
      configEntries: [...topic.configEntries],
    })),
  });
}

/**
 * Creates the topics and waits for their leaders. kafkajs' wait gives up on a topic the metadata does not know
 * yet, which a topic just created can be for a moment: the partition check after it asks again.
 */
async function createTopics(admin: LogAdmin, topics: TopicSpec[]): Promise<void> {
  try {
    await admin.createTopics({ topics, waitForLeaders: true });
  } catch (error) {
    if (!isUnknownTopic(error)) throw error;
  }
}

/** Topics just created may be unknown to the metadata for a moment: asked again a bounded number of times. */
const METADATA_ATTEMPTS = 40;
const METADATA_PAUSE_MS = 100;

async function topicMetadata(admin: LogAdmin, topics: string[]) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await admin.fetchTopicMetadata({ topics });
    } catch (error) {
      if (!isUnknownTopic(error) || attempt >= METADATA_ATTEMPTS) throw error;
      await delay(METADATA_PAUSE_MS);
    }
  }
}

async function checkPartitions(admin: LogAdmin, topics: string[], partitions: number): Promise<void> {
  const metadata = await topicMetadata(admin, topics);
  for (const topic of metadata.topics) {
    if (topic.partitions.length !== partitions) {
      throw new TopicLayoutError(
        topic.name,
        `topic ${topic.name} has ${topic.partitions.length} partitions, statewright is configured for ${partitions}; commands, transitions and keys must have the same count`,
      );
    }
  }
}
