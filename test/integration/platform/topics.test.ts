// Topic provisioning against the real broker: idempotent, transitions never compacted, partition counts checked.
import { eventually } from '../../harness/eventually';
import { ConfigResourceTypes, Kafka, logLevel, type Admin } from 'kafkajs';
import { TopicLayoutError } from '../../../services/platform/kafka/topic-layout-error';
import { topicNames } from '../../../services/platform/kafka/topic-names';
import { provisionTopics } from '../../../services/platform/kafka/topic-provisioner';
import { endpoints, testNamespace } from '../../harness/namespace';

jest.setTimeout(60_000);

let admin: Admin;

beforeAll(async () => {
  admin = new Kafka({ brokers: endpoints().kafkaBrokers.split(','), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
});

afterAll(async () => {
  await admin?.disconnect();
});

test('provisioning twice creates the topics once, with equal partitions and a delete-only transitions log', async () => {
  const topics = topicNames(testNamespace('topics').prefix);
  const layout = { partitions: 3, transitionsRetentionMs: 86_400_000 };
  await provisionTopics(admin, topics, layout);
  await provisionTopics(admin, topics, layout);
  const metadata = await admin.fetchTopicMetadata({
    topics: [topics.commands, topics.transitions, topics.tasks, topics.dlq],
  });
  expect(Object.fromEntries(metadata.topics.map((t) => [t.name, t.partitions.length]))).toEqual({
    [topics.commands]: 3,
    [topics.transitions]: 3,
    [topics.tasks]: 3,
    [topics.dlq]: 1,
  });
  const configs = await admin.describeConfigs({
    resources: [
      {
        type: ConfigResourceTypes.TOPIC,
        name: topics.transitions,
        configNames: ['cleanup.policy', 'retention.ms'],
      },
    ],
    includeSynonyms: false,
  });
  const entries = Object.fromEntries(
    configs.resources[0]!.configEntries.map((e) => [e.configName, e.configValue]),
  );
  expect(entries).toEqual({ 'cleanup.policy': 'delete', 'retention.ms': '86400000' });
});

test('an existing commands topic with another partition count is a typed error', async () => {
  const topics = topicNames(testNamespace('topics-wrong').prefix);
  await admin.createTopics({ topics: [{ topic: topics.commands, numPartitions: 2 }], waitForLeaders: true });
  const failure = provisionTopics(admin, topics, { partitions: 4, transitionsRetentionMs: -1 });
  await expect(failure).rejects.toBeInstanceOf(TopicLayoutError);
  await expect(failure).rejects.toMatchObject({
    code: 'topic-layout',
    retriable: false,
    topic: topics.commands,
  });
});

test('retention comes from the layout and a changed one is applied to existing topics; keys are compacted', async () => {
  const topics = topicNames(testNamespace('topics-retention').prefix);
  const configOf = async (topic: string) => {
    const described = await admin.describeConfigs({
      resources: [
        { type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['cleanup.policy', 'retention.ms'] },
      ],
      includeSynonyms: false,
    });
    return Object.fromEntries(
      described.resources[0]!.configEntries.map((e) => [e.configName, e.configValue]),
    );
  };
  await provisionTopics(admin, topics, { partitions: 2, transitionsRetentionMs: -1 });
  expect(await configOf(topics.commands)).toEqual({
    'cleanup.policy': 'delete',
    'retention.ms': '604800000',
  });
  expect(await configOf(topics.audit)).toEqual({ 'cleanup.policy': 'delete', 'retention.ms': '-1' });
  expect((await configOf(topics.keys))['cleanup.policy']).toBe('compact');

  await provisionTopics(admin, topics, {
    partitions: 2,
    transitionsRetentionMs: 172_800_000,
    retention: { commands: 3_600_000, audit: 31_536_000_000 },
  });
  // A broker answers with the configuration it has applied, which may trail the controller for a moment.
  const applied = (topic: string, retentionMs: string) =>
    eventually(`${topic} to report retention.ms ${retentionMs}`, async () => {
      const config = await configOf(topic);
      return config['retention.ms'] === retentionMs ? config : undefined;
    });
  expect(await applied(topics.commands, '3600000')).toEqual({
    'cleanup.policy': 'delete',
    'retention.ms': '3600000',
  });
  expect(await applied(topics.transitions, '172800000')).toEqual({
    'cleanup.policy': 'delete',
    'retention.ms': '172800000',
  });
  expect(await applied(topics.audit, '31536000000')).toEqual({
    'cleanup.policy': 'delete',
    'retention.ms': '31536000000',
  });
});
