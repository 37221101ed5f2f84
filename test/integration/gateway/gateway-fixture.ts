// A gateway on its own namespace of the real stack: topics provisioned, a gateway started, and everything it
// created (topics, schema subjects, consumer groups, Redis keys) removed again by `stop`.
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { Redis } from 'ioredis';
import type { LogRecord } from '../../../services/core';
import { EnvelopeCodec } from '../../../services/platform/codec/envelope-codec';
import { toTransitionEnvelope } from '../../../services/platform/codec/transition-envelope';
import { createLogger } from '../../../services/platform/logging/logger';
import { provisionTopics } from '../../../services/platform/kafka/topic-provisioner';
import { topicNames, type TopicNames } from '../../../services/platform/kafka/topic-names';
import { startGateway, type Gateway } from '../../../services/gateway/gateway';
import { loadGatewayConfig } from '../../../services/gateway/config/gateway-config';
import type { ProjectedRecord } from '../../../services/gateway/projection/transitions-projection';
import { call, type CallOptions, type CallResult } from './http-call';
import { endpoints, testNamespace, type TestNamespace } from '../../harness/namespace';
import { exampleRegistry } from '../../harness/examples';
import { publishTestCatalogue } from '../../harness/catalogue';
import { teardown } from '../../harness/teardown';

export interface GatewayFixture {
  readonly ns: TestNamespace;
  readonly topics: TopicNames;
  readonly kafka: Kafka;
  readonly codec: EnvelopeCodec;
  readonly redis: Redis;
  readonly gateway: Gateway;
  /** The gateway's base URL (it listens on a free port of 127.0.0.1). */
  readonly base: string;
  call(options: CallOptions): Promise<CallResult>;
  /** Produces log records to the transitions topic as the orchestrator would (key = correlationId). */
  produceRecords(records: readonly LogRecord[]): Promise<void>;
  /** A consumer group the test created, deleted by `stop`. */
  trackGroup(groupId: string): void;
  /** Resolves when the projection has handled a record matching `match`; fails after `timeoutMs`. */
  projected(match: (projected: ProjectedRecord) => boolean, timeoutMs?: number): Promise<ProjectedRecord>;
  stop(): Promise<void>;
}

/** `env` adds to (or overrides) the gateway's environment, e.g. STATEWRIGHT_KEK_FILE. */
export async function startFixture(
  label: string,
  partitions = 2,
  env: Readonly<Record<string, string>> = {},
): Promise<GatewayFixture> {
  const { kafkaBrokers, schemaRegistryUrl, redisUrl } = endpoints();
  const ns = testNamespace(label);
  const topics = topicNames(ns.prefix);
  const kafka = new Kafka({ brokers: [kafkaBrokers], clientId: ns.prefix, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await provisionTopics(admin, topics, { partitions, transitionsRetentionMs: -1 });
  const config = loadGatewayConfig({
    KAFKA_BROKERS: kafkaBrokers,
    SCHEMA_REGISTRY_URL: schemaRegistryUrl,
    REDIS_URL: redisUrl,
    STATEWRIGHT_PREFIX: ns.prefix,
    STATEWRIGHT_REDIS_PREFIX: ns.redisPrefix,
    STATEWRIGHT_PROJECTION_GROUP: ns.groupId,
    GATEWAY_BODY_LIMIT_BYTES: '65536',
    GATEWAY_PORT: '0',
    LOG_LEVEL: 'silent',
    ...env,
  });
  const codec = await EnvelopeCodec.connect({ registryUrl: schemaRegistryUrl, topics });
  // The gateway's workflows come from the catalogue: published here as an orchestrator's start would.
  await publishTestCatalogue({ kafka, codec, topics, groupId: ns.groupId, registry: exampleRegistry() });
  const gateway = await startGateway(config, { logger: createLogger('silent') });
  const base = await gateway.listen();
  const redis = new Redis(redisUrl);
  const producer: Producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const groups = [ns.groupId];
  const stop = () =>
    teardown(
      () => gateway.close(),
      () => producer.disconnect(),
      () => cleanRedis(redis, ns.redisPrefix),
      () => redis.quit(),
      () => admin.deleteTopics({ topics: Object.values(topics) }),
      () => admin.deleteGroups(groups),
      () => admin.disconnect(),
      () => deleteSubjects(schemaRegistryUrl, topics),
    );
  return {
    ns,
    topics,
    kafka,
    codec,
    redis,
    gateway,
    base,
    call: (options) => call(base, options),
    produceRecords: async (records) => {
      const messages = records.map((record) => ({
        key: record.correlationId,
        value: codec.encode('transition', toTransitionEnvelope(record)),
      }));
      await producer.send({ topic: topics.transitions, acks: -1, messages });
    },
    trackGroup: (groupId) => groups.push(groupId),
    projected: (match, timeoutMs = 20_000) => projectedRecord(gateway, match, timeoutMs),
    stop,
  };
}

function projectedRecord(
  gateway: Gateway,
  match: (projected: ProjectedRecord) => boolean,
  timeoutMs: number,
): Promise<ProjectedRecord> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`the projection did not handle the expected record within ${timeoutMs} ms`));
    }, timeoutMs);
    const unsubscribe = gateway.projection.onRecord((projected) => {
      if (!match(projected)) return;
      clearTimeout(timer);
      unsubscribe();
      resolve(projected);
    });
  });
}

async function cleanRedis(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}

/** Soft delete then permanent delete, as the Confluent API requires. */
async function deleteSubjects(registryUrl: string, topics: TopicNames): Promise<void> {
  for (const topic of Object.values(topics)) {
    const subject = encodeURIComponent(`${topic}-value`);
    for (const suffix of ['', '?permanent=true']) {
      const response = await fetch(`${registryUrl}/subjects/${subject}${suffix}`, { method: 'DELETE' });
      if (!response.ok && response.status !== 404) {
        throw new Error(
          `deleting subject ${topic}-value failed: ${response.status} ${await response.text()}`,
        );
      }
    }
  }
}
