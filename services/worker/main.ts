// The worker process: runs the team's task handlers (`--handlers <module>` or STATEWRIGHT_HANDLERS) from
// environment configuration until SIGTERM or SIGINT.
import { EnvelopeCodec } from '../platform/codec/envelope-codec';
import { createKafka } from '../platform/kafka/kafka-client';
import { topicNames } from '../platform/kafka/topic-names';
import { createLogger } from '../platform/logging/logger';
import { MetricsServer } from '../platform/metrics/metrics-server';
import { WorkerMetrics } from './metrics/worker-metrics';
import { createRedis } from '../platform/redis/redis-client';
import { loadTracingConfig } from '../platform/tracing/tracing-config';
import { startTracing } from '../platform/tracing/tracing';
import { BAD_MODULE_EXIT_CODE, ModuleError } from '../platform/workflows/module-error';
import { HANDLERS_MODULE, moduleArgument } from '../platform/workflows/module-argument';
import { untilAvailable } from '../platform/health/dependency-wait';
import { Readiness } from '../platform/health/readiness';
import { loadHandlers } from './handlers-module';
import { createWorker } from './worker';
import { startWorkerCrypto } from './worker-crypto';
import { loadWorkerConfig } from './worker-config';

async function main(): Promise<void> {
  const config = loadWorkerConfig(process.env);
  const tracing = startTracing(loadTracingConfig(process.env, 'statewright-worker'));
  const logger = createLogger(config.logLevel, config.name);
  const topics = topicNames(config.topicPrefix);
  const redis = createRedis(config.redis);
  const handlersModule = moduleArgument(process.argv, process.env, HANDLERS_MODULE);
  const handlers = await loadHandlers(handlersModule, { redis, redisPrefix: config.redisPrefix });
  // Health first: while Kafka or the registry are out of reach, /readyz says which, and the process waits.
  const readiness = new Readiness();
  const metrics = new WorkerMetrics(Object.keys(handlers));
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
  const codec = await wait('schema registry', () =>
    EnvelopeCodec.connect({ registryUrl: config.schemaRegistryUrl, topics }),
  );
  const kafka = createKafka(config.kafka, logger);
  const keys = await wait('kafka', () =>
    startWorkerCrypto({
      settings: config.crypto,
      kafka,
      redis,
      topicPrefix: config.topicPrefix,
      redisPrefix: config.redisPrefix,
      groupId: config.groupId,
      logger,
    }),
  );
  const worker = createWorker({
    kafka,
    codec,
    redis,
    topics,
    groupId: config.groupId,
    name: config.name,
    redisPrefix: config.redisPrefix,
    logger,
    handlers,
    concurrency: config.concurrency,
    handlerTimeoutMs: config.handlerTimeoutMs,
    shutdownTimeoutMs: config.shutdownTimeoutMs,
    resultTtlSeconds: config.resultTtlSeconds,
    metrics,
    keys,
  });
  const shutdown = async (signal: string): Promise<void> => {
    logger.info({ signal }, 'stopping');
    // The keys stop after the worker: a handler still waiting for a key would otherwise fail its attempt.
    const stopped = await Promise.allSettled([worker.stop()]);
    const closed = await Promise.allSettled([
      keys?.stop(),
      redis.quit(),
      metricsServer.close(),
      tracing.shutdown(),
    ]);
    const failed = [...stopped, ...closed].find((result) => result.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
  };
  await wait('kafka', () => worker.start());
  readiness.markStarted();
  process.off('SIGTERM', early);
  process.off('SIGINT', early);
  process.once('SIGTERM', () => void shutdown('SIGTERM').catch(fail));
  process.once('SIGINT', () => void shutdown('SIGINT').catch(fail));
}

function fail(error: unknown): void {
  console.error(error);
  process.exitCode = 1;
}

main().catch((error: unknown) => {
  if (error instanceof ModuleError) process.stderr.write(`${error.message}\n`);
  else fail(error);
  process.exit(error instanceof ModuleError ? BAD_MODULE_EXIT_CODE : 1);
});
