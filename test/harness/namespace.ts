// Per-suite isolation: every suite gets its own topic prefix, consumer group and Redis key prefix,
// so suites never see each other's data even when they share one broker and one Redis.
import { randomUUID } from 'node:crypto';

export interface Endpoints {
  kafkaBrokers: string;
  schemaRegistryUrl: string;
  redisUrl: string;
}

export interface TestNamespace {
  /** Topic prefix: topics are `<prefix>.commands`, `<prefix>.transitions`, ... */
  prefix: string;
  groupId: string;
  redisPrefix: string;
}

/** The endpoints the global setup resolved (environment → testcontainers → local stack). */
export function endpoints(): Endpoints {
  const { KAFKA_BROKERS, SCHEMA_REGISTRY_URL, REDIS_URL } = process.env;
  if (!KAFKA_BROKERS || !SCHEMA_REGISTRY_URL || !REDIS_URL) {
    throw new Error(
      'integration tests need KAFKA_BROKERS, SCHEMA_REGISTRY_URL and REDIS_URL (set by test/harness/global-setup.ts)',
    );
  }
  return { kafkaBrokers: KAFKA_BROKERS, schemaRegistryUrl: SCHEMA_REGISTRY_URL, redisUrl: REDIS_URL };
}

export function testNamespace(label: string): TestNamespace {
  const id = `${label.replace(/[^a-zA-Z0-9-]/g, '-')}-${randomUUID().slice(0, 8)}`;
  return { prefix: `t-${id}`, groupId: `t-${id}-group`, redisPrefix: `t-${id}` };
}
