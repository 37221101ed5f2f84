// A gateway with authentication required, on its own namespace of the real stack: topics provisioned, one
// order-saga instance in its read model, and every line the gateway logs captured. `stop` removes what it made.
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import pino from 'pino';
import { EMPTY_ENVIRONMENT } from '../../services/core';
import { loadGatewayConfig } from '../../services/gateway/config/gateway-config';
import { startGateway, type Gateway } from '../../services/gateway/gateway';
import { exampleRegistry } from '../harness/examples';
import { publishTestCatalogue } from '../harness/catalogue';
import { EnvelopeCodec } from '../../services/platform/codec/envelope-codec';
import { toTransitionEnvelope } from '../../services/platform/codec/transition-envelope';
import { provisionTopics } from '../../services/platform/kafka/topic-provisioner';
import { topicNames, type TopicNames } from '../../services/platform/kafka/topic-names';
import { CENSOR, redactionPaths } from '../../services/platform/logging/redaction';
import { endpoints, testNamespace } from '../harness/namespace';
import { teardown } from '../harness/teardown';
import { call, type CallOptions, type CallResult } from '../integration/gateway/http-call';
import { decideRaw } from '../harness/decide-raw';

export const ORDER_INPUT = {
  orderId: 'o-1',
  customer: { id: 'c-1', email: 'ada@example.com' },
  items: [{ sku: 'book', quantity: 2 }],
  amount: 40,
  payment: { cardNumber: '4111111111111111' },
  address: '1 Main St',
};

export interface SecuredGateway {
  readonly gateway: Gateway;
  readonly kafka: Kafka;
  readonly codec: EnvelopeCodec;
  readonly topics: TopicNames;
  /** An order-saga instance the read model holds. */
  readonly instanceId: string;
  /** Every JSON line the gateway logged so far. */
  readonly logLines: string[];
  /** The gateway's base URL on 127.0.0.1. */
  readonly base: string;
  call(options: CallOptions): Promise<CallResult>;
  stop(): Promise<void>;
}

export async function startSecuredGateway(
  label: string,
  authEnv: Record<string, string>,
): Promise<SecuredGateway> {
  const { kafkaBrokers, schemaRegistryUrl, redisUrl } = endpoints();
  const ns = testNamespace(label);
  const topics = topicNames(ns.prefix);
  const kafka = new Kafka({ brokers: [kafkaBrokers], clientId: ns.prefix, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await provisionTopics(admin, topics, { partitions: 1, transitionsRetentionMs: -1 });
  const config = loadGatewayConfig({
    KAFKA_BROKERS: kafkaBrokers,
    SCHEMA_REGISTRY_URL: schemaRegistryUrl,
    REDIS_URL: redisUrl,
    STATEWRIGHT_PREFIX: ns.prefix,
    STATEWRIGHT_REDIS_PREFIX: ns.redisPrefix,
    STATEWRIGHT_PROJECTION_GROUP: ns.groupId,
    GATEWAY_PORT: '0',
    ...authEnv,
  });
  const logLines: string[] = [];
  const codec = await EnvelopeCodec.connect({ registryUrl: schemaRegistryUrl, topics });
  await publishTestCatalogue({ kafka, codec, topics, groupId: ns.groupId, registry: exampleRegistry() });
  const gateway = await startGateway(config, { logger: capturingLogger(logLines) });
  const base = await gateway.listen();
  const instanceId = `order-${randomUUID()}`;
  await seedInstance(gateway, kafka, codec, topics, instanceId);
  const redis = new Redis(redisUrl);
  const stop = () =>
    teardown(
      () => gateway.close(),
      () => cleanRedis(redis, ns.redisPrefix),
      () => redis.quit(),
      () => admin.deleteTopics({ topics: Object.values(topics) }),
      () => admin.deleteGroups([ns.groupId]),
      () => admin.disconnect(),
      () => deleteSubjects(schemaRegistryUrl, topics),
    );
  return {
    gateway,
    kafka,
    codec,
    topics,
    instanceId,
    logLines,
    base,
    call: (options) => call(base, options),
    stop,
  };
}

/** The gateway's pino configuration (as createLogger builds it), writing into `lines` at the most verbose level. */
function capturingLogger(lines: string[]): pino.Logger {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return pino(
    { name: 'statewright-gateway', level: 'trace', redact: { paths: redactionPaths([]), censor: CENSOR } },
    sink,
  );
}

/** A start decided by the pure core, produced as the orchestrator would, and awaited in the read model. */
async function seedInstance(
  gateway: Gateway,
  kafka: Kafka,
  codec: EnvelopeCodec,
  topics: TopicNames,
  id: string,
): Promise<void> {
  const envelope = { commandId: `${id}-start`, correlationId: id, workflow: 'order-saga', actor: 'seed' };
  const command = { ...envelope, timestamp: Date.now(), type: 'start', input: ORDER_INPUT };
  const step = decideRaw(exampleRegistry(), undefined, command as never, Date.now(), EMPTY_ENVIRONMENT);
  const projected = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error('the seeded instance was not projected in 20 s')),
      20_000,
    );
    const unsubscribe = gateway.projection.onRecord((record) => {
      if (record.record.correlationId !== id) return;
      clearTimeout(timer);
      unsubscribe();
      resolve();
    });
  });
  const producer = kafka.producer();
  await producer.connect();
  try {
    const messages = step.records.map((record) => ({
      key: id,
      value: codec.encode('transition', toTransitionEnvelope(record)),
    }));
    await producer.send({ topic: topics.transitions, acks: -1, messages });
  } finally {
    await producer.disconnect();
  }
  await projected;
}

async function cleanRedis(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}

async function deleteSubjects(registryUrl: string, topics: TopicNames): Promise<void> {
  for (const topic of Object.values(topics)) {
    for (const suffix of ['', '?permanent=true']) {
      const subject = encodeURIComponent(`${topic}-value`);
      const response = await fetch(`${registryUrl}/subjects/${subject}${suffix}`, { method: 'DELETE' });
      if (!response.ok && response.status !== 404) throw new Error(`deleting ${subject}: ${response.status}`);
    }
  }
}
