// Everything an orchestrator integration suite needs in its own namespace: topics, codec, Redis, a publisher,
// and in-process orchestrators that the suite starts and must stop.
import { Redis } from 'ioredis';
import { logLevel, type Admin, type Kafka } from 'kafkajs';
import { Kafka as KafkaClient } from 'kafkajs';
import type { LogRecord, Registry } from '../../services/core';
import {
  fromAuditEnvelope,
  type AuditEntry,
  type AuditEnvelope,
} from '../../services/platform/codec/audit-envelope';
import { EnvelopeCodec } from '../../services/platform/codec/envelope-codec';
import type { EnvelopeKind } from '../../services/platform/codec/envelope-schemas';
import {
  fromChangelogEnvelope,
  type TransitionEnvelope,
} from '../../services/platform/codec/transition-envelope';
import { topicNames, type TopicNames } from '../../services/platform/kafka/topic-names';
import { provisionTopics } from '../../services/platform/kafka/topic-provisioner';
import { createLogger, type Logger } from '../../services/platform/logging/logger';
import { OrchestratorMetrics } from '../../services/orchestrator/metrics/orchestrator-metrics';
import { SnapshotStore } from '../../services/platform/redis/snapshot-store';
import { kafkajsLogClient } from '../../services/platform/kafka/kafka-client';
import type { LogClient } from '../../services/platform/kafka/log-client';
import { CommandLog } from '../../services/platform/kafka/command-log';
import { Orchestrator, type OrchestratorOptions } from '../../services/orchestrator/orchestrator';
import { DEFAULT_BATCH_LINGER_MS } from '../../services/orchestrator/config/orchestrator-config';
import { endpoints, testNamespace, type TestNamespace } from './namespace';
import { KEEP_FOREVER } from '../../services/orchestrator/retention/hot-retention';
import { TopicTail } from './topic-tail';
import { publishTestCatalogue } from './catalogue';

export class OrchestratorFixture {
  private readonly running = new Set<Orchestrator>();
  private readonly starting = new Set<Promise<Orchestrator>>();

  private constructor(
    readonly namespace: TestNamespace,
    readonly topics: TopicNames,
    readonly kafka: Kafka,
    /** The same client as the services' port. */
    readonly log: LogClient,
    readonly admin: Admin,
    readonly codec: EnvelopeCodec,
    readonly redis: Redis,
    readonly store: SnapshotStore,
    readonly publisher: CommandLog,
    readonly logger: Logger,
    readonly partitions: number,
  ) {}

  static async create(label: string, partitions = 2): Promise<OrchestratorFixture> {
    const namespace = testNamespace(label);
    const { kafkaBrokers, schemaRegistryUrl, redisUrl } = endpoints();
    const kafka = new KafkaClient({
      clientId: namespace.prefix,
      brokers: kafkaBrokers.split(','),
      retry: { initialRetryTime: 25, retries: 8 },
      logLevel: logLevel.NOTHING,
    });
    const topics = topicNames(namespace.prefix);
    const admin = kafka.admin();
    await admin.connect();
    const redis = new Redis(redisUrl);
    try {
      await provisionTopics(admin, topics, { partitions, transitionsRetentionMs: -1 });
      const codec = await EnvelopeCodec.connect({ registryUrl: schemaRegistryUrl, topics });
      const log = kafkajsLogClient(kafka);
      const publisher = await CommandLog.connect(log, codec, topics.commands);
      const store = new SnapshotStore(redis, namespace.redisPrefix, namespace.prefix);
      const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent', namespace.prefix);
      return new OrchestratorFixture(
        namespace,
        topics,
        kafka,
        log,
        admin,
        codec,
        redis,
        store,
        publisher,
        logger,
        partitions,
      );
    } catch (error) {
      await admin.disconnect();
      redis.disconnect();
      throw error;
    }
  }

  options(registry: Registry, overrides: Partial<OrchestratorOptions> = {}): OrchestratorOptions {
    return {
      log: this.log,
      admin: this.admin,
      codec: this.codec,
      store: this.store,
      registry,
      topics: this.topics,
      groupId: this.namespace.groupId,
      retention: KEEP_FOREVER,
      partitions: this.partitions,
      snapshot: { intervalMs: 100, maxDirty: 1000 },
      timers: { tickMs: 100, republishMs: 2_000 },
      maxRecordBytes: 1_000_000,
      batchLingerMs: DEFAULT_BATCH_LINGER_MS,
      restoreTimeoutMs: 60_000,
      resumeTickMs: 100,
      metrics: new OrchestratorMetrics(),
      logger: this.logger,
      ...overrides,
    };
  }

  async startOrchestrator(
    registry: Registry,
    overrides: Partial<OrchestratorOptions> = {},
  ): Promise<Orchestrator> {
    const starting = Orchestrator.start(this.options(registry, overrides));
    this.starting.add(starting);
    try {
      const orchestrator = await starting;
      this.running.add(orchestrator);
      return orchestrator;
    } finally {
      this.starting.delete(starting);
    }
  }

  /** Publishes `registry`'s definitions to the catalogue, as the orchestrator's start does, for a gateway to read. */
  publishCatalogue(registry: Registry): Promise<string[]> {
    const { kafka, codec, topics } = this;
    return publishTestCatalogue({ kafka, codec, topics, groupId: this.namespace.groupId, registry });
  }

  async stopOrchestrator(orchestrator: Orchestrator): Promise<void> {
    this.running.delete(orchestrator);
    await orchestrator.stop();
  }

  /** Follows `topic` from its beginning, each value decoded as the envelope `kind` (the caller stops it). */
  tailEnvelopes<T>(topic: string, kind: EnvelopeKind): Promise<TopicTail<T>> {
    return TopicTail.start(this.kafka, topic, async (m) => (await this.codec.decode(kind, m.value)) as T);
  }

  async tailTransitions(): Promise<TopicTail<LogRecord>> {
    return TopicTail.start(
      this.kafka,
      this.topics.transitions,
      async (m) =>
        fromChangelogEnvelope(
          (await this.codec.decode('transition', m.value)) as TransitionEnvelope,
        ) as LogRecord,
    );
  }

  async tailAudit(): Promise<TopicTail<AuditEntry>> {
    return TopicTail.start(this.kafka, this.topics.audit, async (m) =>
      fromAuditEnvelope((await this.codec.decode('audit', m.value)) as AuditEnvelope),
    );
  }

  /** Deletes this suite's Redis keys only (never FLUSHALL: the Redis is shared). */
  async deleteRedisKeys(): Promise<number> {
    let deleted = 0;
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(
        cursor,
        'MATCH',
        `${this.namespace.redisPrefix}:*`,
        'COUNT',
        500,
      );
      if (keys.length > 0) deleted += await this.redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
    return deleted;
  }

  async close(): Promise<void> {
    // A start still under way when a test failed must finish before it can be stopped.
    await Promise.allSettled([...this.starting]);
    const results = await Promise.allSettled([...this.running].map((orchestrator) => orchestrator.stop()));
    this.running.clear();
    await this.deleteRedisKeys();
    await this.publisher.close();
    await this.admin.disconnect();
    this.redis.disconnect();
    const failed = results.find((result) => result.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
  }
}
