// Starts an orchestrator serving the given workflows, configured from the environment: the parts wired, its
// dependencies awaited (with /readyz saying which), and a handle that stops it in order. Programmatic use and
// the orchestrator's process both start it here.
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
import { publishCatalogue } from './catalogue/publish-catalogue';
import { SettingsView } from '../platform/settings/settings-view';
import { untilAvailable } from '../platform/health/dependency-wait';
import { Readiness } from '../platform/health/readiness';
import { CommandLog } from '../platform/kafka/command-log';
import { HealthWatcher } from './health/health-watcher';
import { CanaryWatch } from './canary/canary-watch';
import { checkServedVersions } from './catalogue/live-instances';

const RESTORE_TIMEOUT_MS = 10 * 60_000;

import type { RunningWithHealth, ServiceStart } from '../platform/process/service-process';
import { registryOf, type Workflows } from '../platform/workflows/workflows-module';

export interface OrchestratorStart extends ServiceStart {
  readonly workflows: Workflows;
}

export type RunningOrchestrator = RunningWithHealth;

export async function startOrchestrator(options: OrchestratorStart): Promise<RunningOrchestrator> {
  const env = options.env ?? process.env;
  const config = loadConfig(env);
  const tracing = startTracing(loadTracingConfig(env, 'statewright-orchestrator'));
  const deployed = registryOf(options.workflows);
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
  const wait = <T>(dependency: string, attempt: () => Promise<T>) =>
    untilAvailable(dependency, attempt, { logger, readiness, signal: options.signal });
  const topics = topicNames(config.topicPrefix);
  const log = createKafka(config.kafka, logger);
  const admin = log.admin();
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
  const redis = createRedis(config.redis);
  const store = new SnapshotStore(redis, config.redisPrefix, config.topicPrefix);
  // Before anything is published or served: a version that still has live instances must be deployed.
  await wait('kafka', () =>
    checkServedVersions(
      {
        log,
        admin,
        codec,
        store,
        transitionsTopic: topics.transitions,
        definitionsTopic: topics.definitions,
        groupPrefix: config.groupId,
        timeoutMs: RESTORE_TIMEOUT_MS,
        logger,
      },
      deployed,
    ),
  );
  // Before any partition is served: a definition that would change a published version ends the start here.
  await wait('kafka', () =>
    publishCatalogue({
      log,
      codec,
      topics,
      groupId: config.groupId,
      registry: deployed,
      actor: config.kafka.sasl?.username ?? config.kafka.clientId,
      now: Date.now(),
      logger,
    }),
  );
  const settings = await wait('kafka', () =>
    SettingsView.start(log, topics.settings, config.groupId, logger),
  );
  const registry = settings.registry(deployed);
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
      log,
      admin,
      codec,
      store,
      registry,
      topics,
      groupId: config.groupId,
      partitions: config.partitions,
      snapshot: config.snapshot,
      timers: config.timers,
      group: config.group,
      batchLingerMs: config.batchLingerMs,
      maxRecordBytes: config.maxRecordBytes,
      restoreTimeoutMs: RESTORE_TIMEOUT_MS,
      retention: config.hotRetention,
      settings,
      crypto,
      resumeTickMs: config.timers.tickMs,
      metrics,
      logger,
    }),
  );
  const commandPublisher = await wait('kafka', () => CommandLog.connect(log, codec, topics.commands));
  const health = await wait('kafka', () =>
    HealthWatcher.start({
      log,
      topic: topics.health,
      groupPrefix: config.groupId,
      publisher: commandPublisher,
      partitions: config.partitions,
      policy: config.fleetHealth,
      actor: 'statewright:health',
      logger,
    }),
  );
  const canary = CanaryWatch.start({
    log,
    admin,
    codec,
    transitionsTopic: topics.transitions,
    groupPrefix: config.groupId,
    settings,
    workflows: () => deployed.names(),
    publisher: commandPublisher,
    policy: config.canary,
    intervalMs: config.canary.intervalMs,
    logger,
  });
  readiness.markStarted();
  return {
    metricsPort: metricsServer.port,
    stop: async () => {
      logger.info('stopping');
      await canary.stop();
      await health.stop();
      await commandPublisher.close();
      await orchestrator.stop();
      await settings.stop();
      await admin.disconnect();
      redis.disconnect();
      await metricsServer.close();
      await tracing.shutdown();
      logger.info('stopped');
    },
  };
}
