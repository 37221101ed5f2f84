// Jest global setup of the integration projects: resolve the infrastructure once and hand it to
// the test workers through the environment.
import { resolveInfrastructure } from './infrastructure';

export default async function globalSetup(): Promise<void> {
  const infrastructure = await resolveInfrastructure();
  process.env.KAFKA_BROKERS = infrastructure.kafkaBrokers;
  process.env.SCHEMA_REGISTRY_URL = infrastructure.schemaRegistryUrl;
  process.env.REDIS_URL = infrastructure.redisUrl;
  (globalThis as { __statewrightInfrastructure?: typeof infrastructure }).__statewrightInfrastructure =
    infrastructure;
}
