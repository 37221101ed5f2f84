// Runs the example workers (order saga and bench flow) from environment configuration until SIGTERM or SIGINT.
import { benchFlowHandlers } from '../../examples/bench-flow/workers';
import { DEFAULT_ORDER_WORKER_SETTINGS, orderSagaHandlers } from '../../examples/order-saga/workers';
import { EnvelopeCodec } from '../platform/codec/envelope-codec';
import { createKafka } from '../platform/kafka/kafka-client';
import { topicNames } from '../platform/kafka/topic-names';
import { createLogger } from '../platform/logging/logger';
import { createRedis } from '../platform/redis/redis-client';
import { createWorker } from './worker';
import { loadWorkerConfig } from './worker-config';

async function main(): Promise<void> {
  const config = loadWorkerConfig(process.env);
  const logger = createLogger(config.logLevel, config.name);
  const topics = topicNames(config.topicPrefix);
  const redis = createRedis(config.redis);
  const codec = await EnvelopeCodec.connect({ registryUrl: config.schemaRegistryUrl, topics });
  const settings = {
    ...DEFAULT_ORDER_WORKER_SETTINGS,
    payment: { ...DEFAULT_ORDER_WORKER_SETTINGS.payment, flakyPercent: config.orderFlakyPercent },
  };
  const worker = createWorker({
    kafka: createKafka(config.kafka, logger),
    codec,
    redis,
    topics,
    groupId: config.groupId,
    name: config.name,
    redisPrefix: config.redisPrefix,
    logger,
    handlers: { ...orderSagaHandlers(redis, config.redisPrefix, settings), ...benchFlowHandlers() },
    concurrency: config.concurrency,
    handlerTimeoutMs: config.handlerTimeoutMs,
    shutdownTimeoutMs: config.shutdownTimeoutMs,
    resultTtlSeconds: config.resultTtlSeconds,
  });
  const shutdown = async (signal: string): Promise<void> => {
    logger.info({ signal }, 'stopping');
    try {
      await worker.stop();
    } finally {
      await redis.quit();
    }
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM').catch(fail));
  process.once('SIGINT', () => void shutdown('SIGINT').catch(fail));
  await worker.start();
}

function fail(error: unknown): void {
  console.error(error);
  process.exitCode = 1;
}

main().catch((error: unknown) => {
  fail(error);
  process.exit(1);
});
