// Jest global setup of the integration projects: resolve the infrastructure once and hand it to
// the test workers through the environment, with the run's id that prefixes every name its suites use.
import { randomUUID } from 'node:crypto';
import { resolveInfrastructure } from './infrastructure';

export default async function globalSetup(): Promise<void> {
  process.env.STATEWRIGHT_TEST_RUN ||= randomUUID().slice(0, 8);
  const infrastructure = await resolveInfrastructure();
  process.env.KAFKA_BROKERS = infrastructure.kafkaBrokers;
  process.env.SCHEMA_REGISTRY_URL = infrastructure.schemaRegistryUrl;
  process.env.REDIS_URL = infrastructure.redisUrl;
  (globalThis as { __statewrightInfrastructure?: typeof infrastructure }).__statewrightInfrastructure =
    infrastructure;
}
