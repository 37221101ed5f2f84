// Starts workers running the given task handlers, configured from the environment: their dependencies awaited
// (with /readyz saying which) and a handle that stops them in order. Programmatic use and the worker process both
// start them here.
import { EnvelopeCodec } from '../platform/codec/envelope-codec';
import { createKafka } from '../platform/kafka/kafka-client';
import { topicNames } from '../platform/kafka/topic-names';
import { createLogger } from '../platform/logging/logger';
import { MetricsServer } from '../platform/metrics/metrics-server';
import { WorkerMetrics } from './metrics/worker-metrics';
import { createRedis } from '../platform/redis/redis-client';
import { loadTracingConfig } from '../platform/tracing/tracing-config';
import { startTracing } from '../platform/tracing/tracing';
import { untilAvailable } from '../platform/health/dependency-wait';
import { Readiness } from '../platform/health/readiness';
import { RedisResultStore } from './task/redis-result-store';
import { createWorker } from './worker';
import { startWorkerCrypto } from './worker-crypto';
import { loadWorkerConfig } from './worker-config';

import type { RunningWithHealth, ServiceStart } from '../platform/process/service-process';
import type { HandlerRuntime } from './handlers-module';
import type { HandlerMap } from './task/task-handler';

export interface WorkersStart extends ServiceStart {
  /** Task type → handler, or a function building them from what the worker lends its handlers. */
  readonly handlers: HandlerMap | ((runtime: HandlerRuntime) => HandlerMap | Promise<HandlerMap>);
}

export type RunningWorkers = RunningWithHealth;

export async function startWorkers(options: WorkersStart): Promise<RunningWorkers> {
  const env = options.env ?? process.env;
  const config = loadWorkerConfig(env);
  const tracing = startTracing(loadTracingConfig(env, 'statewright-worker'));
  const logger = createLogger(config.logLevel, config.name);
  const topics = topicNames(config.topicPrefix);
  const redis = createRedis(config.redis);
  const runtime = { redis, redisPrefix: config.redisPrefix };
  const handlers =
    typeof options.handlers === 'function' ? await options.handlers(runtime) : options.handlers;
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
  const wait = <T>(dependency: string, attempt: () => Promise<T>) =>
    untilAvailable(dependency, attempt, { logger, readiness, signal: options.signal });
  const codec = await wait('schema registry', () =>
    EnvelopeCodec.connect({ registryUrl: config.schemaRegistryUrl, topics }),
  );
  const log = createKafka(config.kafka, logger);
  const keys = await wait('kafka', () =>
    startWorkerCrypto({
      settings: config.crypto,
      log,
      redis,
      topicPrefix: config.topicPrefix,
      redisPrefix: config.redisPrefix,
      groupId: config.groupId,
      logger,
    }),
  );
  const results = new RedisResultStore(redis, {
    redisPrefix: config.redisPrefix,
    ttlSeconds: config.resultTtlSeconds,
  });
  const worker = createWorker({
    log,
    codec,
    results,
    topics,
    groupId: config.groupId,
    name: config.name,
    logger,
    handlers,
    concurrency: config.concurrency,
    handlerTimeoutMs: config.handlerTimeoutMs,
    shutdownTimeoutMs: config.shutdownTimeoutMs,
    metrics,
    keys,
  });
  await wait('kafka', () => worker.start());
  readiness.markStarted();
  return {
    metricsPort: metricsServer.port,
    stop: async () => {
      logger.info('stopping');
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
    },
  };
}
