// The orchestrator process: reads configuration and the team's workflows (`--workflows <module>` or
// STATEWRIGHT_WORKFLOWS), wires the parts, and stops cleanly on SIGTERM/SIGINT.
import { EMPTY_ENVIRONMENT } from '../core';
import { loadConfig } from './config/orchestrator-config';
import { EnvelopeCodec } from '../platform/codec/envelope-codec';
import { createKafka } from '../platform/kafka/kafka-client';
import { topicNames } from '../platform/kafka/topic-names';
import { provisionTopics } from '../platform/kafka/topic-provisioner';
import { createLogger } from '../platform/logging/logger';
import { sensitivePathsOf } from '../platform/logging/redaction';
import { MetricsServer } from '../platform/metrics/metrics-server';
import { OrchestratorMetrics } from './metrics/orchestrator-metrics';
import { createRedis } from '../platform/redis/redis-client';
import { SnapshotStore } from '../platform/redis/snapshot-store';
import { loadTracingConfig } from '../platform/tracing/tracing-config';
import { startTracing } from '../platform/tracing/tracing';
import { orchestratorCrypto } from './crypto/orchestrator-crypto';
import { Orchestrator } from './orchestrator';
import { SettingsView } from '../platform/settings/settings-view';
import { BAD_MODULE_EXIT_CODE, ModuleError } from '../platform/workflows/module-error';
import { moduleArgument, WORKFLOWS_MODULE } from '../platform/workflows/module-argument';
import { loadWorkflows } from '../platform/workflows/workflows-module';
import { untilAvailable } from '../platform/health/dependency-wait';
import { Readiness } from '../platform/health/readiness';

const RESTORE_TIMEOUT_MS = 10 * 60_000;

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const tracing = startTracing(loadTracingConfig(process.env, 'statewright-orchestrator'));
  const deployed = await loadWorkflows(moduleArgument(process.argv, process.env, WORKFLOWS_MODULE));
  const logger = createLogger(config.logLevel, 'statewright-orchestrator', sensitivePathsOf(deployed));
  // Health first: while Kafka, the registry or Redis are out of reach, /readyz says which, and the process waits.
  const readiness = new Readiness();
  const metrics = new OrchestratorMetrics();
  const metricsServer = await MetricsServer.listen(
    metrics.registry,
    config.metricsPort,
    config.metricsHost,
    readiness,
  );
  logger.info({ metricsPort: metricsServer.port, tracing: tracing.enabled }, 'metrics listening');
  const starting = new AbortController();
  const early = () => {
    starting.abort();
    logger.info('stopped before it started');
    process.exit(0);
  };
  process.once('SIGTERM', early);
  process.once('SIGINT', early);
  const wait = <T>(dependency: string, attempt: () => Promise<T>) =>
    untilAvailable(dependency, attempt, { logger, readiness, signal: starting.signal });
  const topics = topicNames(config.topicPrefix);
  const kafka = createKafka(config.kafka, logger);
  const admin = kafka.admin();
  await wait('kafka', async () => {
    await admin.connect();
    await provisionTopics(admin, topics, {
      partitions: config.partitions,
      transitionsRetentionMs: config.transitionsRetentionMs,
      retention: config.topicRetention,
    });
  });
  const codec = await wait('schema registry', () =>
    EnvelopeCodec.connect({ registryUrl: config.schemaRegistryUrl, topics }),
  );
  const settings = await wait('kafka', () =>
    SettingsView.start(kafka, topics.settings, config.groupId, logger),
  );
  const registry = settings.registry(deployed);
  const redis = createRedis(config.redis);
  const crypto = await wait('kafka', () =>
    orchestratorCrypto({
      settings: config.crypto,
      registry,
      keysTopic: topics.keys,
      redis,
      redisPrefix: config.redisPrefix,
      topicPrefix: config.topicPrefix,
      logger,
    }),
  );
  const orchestrator = await wait('kafka', () =>
    Orchestrator.start({
      kafka,
      admin,
      codec,
      store: new SnapshotStore(redis, config.redisPrefix, config.topicPrefix),
      registry,
      topics,
      groupId: config.groupId,
      partitions: config.partitions,
      snapshot: config.snapshot,
      timers: config.timers,
      maxRecordBytes: config.maxRecordBytes,
      restoreTimeoutMs: RESTORE_TIMEOUT_MS,
      retention: config.hotRetention,
      settings,
      crypto,
      env: EMPTY_ENVIRONMENT,
      metrics,
      logger,
    }),
  );
  readiness.markStarted();
  process.off('SIGTERM', early);
  process.off('SIGINT', early);
  const shutdown = async (signal: string): Promise<void> => {
    logger.info({ signal }, 'stopping');
    try {
      await orchestrator.stop();
      await settings.stop();
      await admin.disconnect();
      redis.disconnect();
      await metricsServer.close();
      await tracing.shutdown();
      logger.info('stopped');
      process.exit(0);
    } catch (error) {
      logger.error({ err: error }, 'stop failed');
      process.exit(1);
    }
  };
  process.once('SIGTERM', (signal) => void shutdown(signal));
  process.once('SIGINT', (signal) => void shutdown(signal));
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(error instanceof ModuleError ? BAD_MODULE_EXIT_CODE : 1);
});
