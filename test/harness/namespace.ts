// Per-suite isolation: every suite gets its own topic prefix, consumer group and Redis key prefix,
// so suites never see each other's data even when they share one broker and one Redis. Every name starts with
// the jest run's prefix, so that the run's teardown can remove what its suites left on a stack it shares.
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

/** `t-<run>`: the start of every topic, group and Redis key name of this jest run (the global setup sets the run). */
export function runPrefix(): string {
  const run = process.env.STATEWRIGHT_TEST_RUN;
  return run === undefined || run === '' ? 't' : `t-${run}`;
}

export function testNamespace(label: string): TestNamespace {
  const id = `${runPrefix()}-${label.replace(/[^a-zA-Z0-9-]/g, '-')}-${randomUUID().slice(0, 8)}`;
  return { prefix: id, groupId: `${id}-group`, redisPrefix: id };
}

/** A consumer group of this run for a reader of its own (`kind`: what reads). */
export function readerGroupId(kind: string): string {
  return `${runPrefix()}-${kind}-${randomUUID()}`;
}
