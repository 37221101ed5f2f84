// Starts a gateway: connects the codec, Kafka producer, Redis, the definitions catalogue, the transitions projection,
// the outcome waiter and, with a KEK file, the keys table, and builds the HTTP app on them. Its workflows are the
// catalogue's: it runs no team code. The handle closes everything it started, in
// reverse order.
import type { FastifyInstance } from 'fastify';
import { EnvelopeCodec } from '../platform/codec/envelope-codec';
import { startCryptoRuntime } from '../platform/crypto/crypto-runtime';
import { createKafka } from '../platform/kafka/kafka-client';
import { topicNames } from '../platform/kafka/topic-names';
import { createLogger, type Logger } from '../platform/logging/logger';
import { GatewayMetrics } from './metrics/gateway-metrics';
import { createRedis } from '../platform/redis/redis-client';
import { auditHandlers } from './audit/audit-handlers';
import { AuditTrail } from './audit/audit-trail';
import { AccessControl } from './auth/access-control';
import { loadAuthenticator } from './auth/load-authenticator';
import { commandHandlers } from './commands/command-handlers';
import { circuitHandlers } from './commands/circuit-handler';
import { partitionCount } from '../platform/kafka/partition-count';
import { CommandLog } from '../platform/kafka/command-log';
import { IdempotencyStore } from './commands/idempotency-store';
import type { GatewayConfig } from './config/gateway-config';
import { gatewayEncryption } from './encryption/gateway-encryption';
import { buildApp } from './http/app';
import { metricsHandlers, observeRequests } from './http-metrics';
import { healthHandlers } from './http/health-handlers';
import { instanceHandlers } from './instances/instance-handlers';
import { OutcomeWaiter } from './outcome/outcome-waiter';
import { WaiterLimit } from './outcome/waiter-limit';
import { ReadModel } from './projection/read-model';
import { readModelKeys } from './projection/read-model-keys';
import { TransitionsProjection } from './projection/transitions-projection';
import { backfillIndex } from './search/index-backfill';
import { IndexFollower } from './search/index-follower';
import { indexKeys } from './search/index-keys';
import { InstanceIndex } from './search/instance-index';
import { searchHandlers } from './search/search-handlers';
import { versionHandlers } from './search/version-handlers';
import { SettingsView } from '../platform/settings/settings-view';
import { CatalogueView } from '../platform/kafka/catalogue-view';
import { definitionHandlers } from './definitions/definition-handlers';
import { stepsHandler } from './instances/steps-handler';
import { figureKeys } from './figures/figure-keys';
import { FiguresRecorder } from './figures/figures-recorder';
import { figuresHandlers } from './figures/figures-handlers';
import { WorkflowFigures } from './figures/workflow-figures';
import { bulkHandlers } from './bulk/bulk-handlers';
import { BulkStore } from './bulk/bulk-store';
import { LiveFeed } from './ui/live-feed';
import { DEFAULT_UI_DIR, loadUiAssets } from './ui/ui-assets';
import { registerUiRoutes } from './ui/ui-routes';

export const GATEWAY_VERSION = '0.1.0';

export interface GatewayDeps {
  readonly logger?: Logger;
  readonly clock?: () => number;
  /** Where the gateway's metrics go (served on GET /metrics); a fresh registry when absent. */
  readonly metrics?: GatewayMetrics;
}

export interface Gateway {
  readonly app: FastifyInstance;
  readonly projection: TransitionsProjection;
  readonly readModel: ReadModel;
  readonly index: InstanceIndex;
  readonly metrics: GatewayMetrics;
  /** Listens on the configured host and port; resolves to the address. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

export async function startGateway(config: GatewayConfig, deps: GatewayDeps): Promise<Gateway> {
  const logger = deps.logger ?? createLogger(config.logLevel, 'statewright-gateway');
  const metrics = deps.metrics ?? new GatewayMetrics();
  const closers: (() => Promise<unknown>)[] = [];
  const close = async () => {
    for (const closer of closers.splice(0).reverse()) await closer();
  };
  try {
    const authenticator = await loadAuthenticator(config.auth, logger);
    const topics = topicNames(config.topicPrefix);
    const keys = readModelKeys(config.redisPrefix);
    const log = createKafka(config.kafka, logger);
    const codec = await EnvelopeCodec.connect({ registryUrl: config.schemaRegistryUrl, topics });
    // New instances start on the version the settings choose: validated here against that same version.
    const settings = await SettingsView.start(log, topics.settings, config.projectionGroup, logger);
    closers.push(() => settings.stop());
    // The workflows are what the orchestrators published; the settings choose new instances' versions among them.
    const definitions = await CatalogueView.start({
      log,
      codec,
      topic: topics.definitions,
      groupPrefix: config.projectionGroup,
      logger,
    });
    closers.push(() => definitions.stop());
    const catalogue = definitions.catalogue((workflow) => settings.record(workflow));
    const redis = createRedis(config.redis);
    closers.push(() => redis.quit());
    const readModel = new ReadModel(redis, keys, config.outcomeTtlSeconds);
    const index = new InstanceIndex(redis, indexKeys(config.redisPrefix));
    const follower = new IndexFollower(index, readModel);
    const figureKeysOf = figureKeys(config.redisPrefix);
    const recorder = new FiguresRecorder(redis, figureKeysOf, index);
    const waiter = await OutcomeWaiter.connect(redis.duplicate(), keys.outcomes, readModel);
    closers.push(() => waiter.close());
    const publisher = await CommandLog.connect(log, codec, topics.commands);
    closers.push(() => publisher.close());
    const projection = new TransitionsProjection({
      log,
      codec,
      readModel,
      topic: topics.transitions,
      groupId: config.projectionGroup,
      logger,
      // The figures read the instance as it was from the index: before the index takes the record.
      afterApply: async (projected) => {
        await recorder.follow(projected);
        await follower.follow(projected);
      },
    });
    closers.push(() => projection.stop());
    await backfillIndex(redis, index, config.redisPrefix, logger);
    await projection.start();
    const auditTrail = new AuditTrail({
      log,
      codec,
      topic: topics.audit,
      groupPrefix: config.projectionGroup,
      logger,
    });
    closers.push(() => auditTrail.stop());
    await auditTrail.start();
    const crypto = await startCryptoRuntime({
      settings: config.crypto,
      log,
      redis,
      keysTopic: topics.keys,
      redisPrefix: config.redisPrefix,
      topicPrefix: config.topicPrefix,
      groupIdPrefix: config.projectionGroup,
      registry: catalogue,
      revision: () => definitions.size,
      logger,
    });
    if (crypto !== undefined) closers.push(() => crypto.stop());
    const idempotency = new IdempotencyStore(redis, keys, config.idempotencyTtlSeconds);
    const clock = deps.clock ?? Date.now;
    const encryption = gatewayEncryption(crypto, publisher, clock);
    const waiters = new WaiterLimit(config.http.waiters);
    const submission = {
      catalogue,
      idempotency,
      publisher,
      readModel,
      waiter,
      waiters,
      maxInputBytes: config.http.maxInputBytes,
      clock,
      metrics,
      encryption,
    };
    const access = new AccessControl(authenticator, async (id) => (await readModel.instance(id))?.workflow);
    const app = buildApp({
      handlers: {
        ...commandHandlers(submission, (id) => auditTrail.workflowOf(id)),
        ...instanceHandlers(catalogue, readModel, encryption.erasure),
        ...stepsHandler(catalogue, readModel, encryption.erasure),
        ...definitionHandlers(catalogue),
        ...searchHandlers(index),
        ...versionHandlers({
          index,
          catalogue,
          rolloutOf: (workflow) => settings.record(workflow)?.rollout ?? null,
        }),
        ...bulkHandlers(
          submission,
          index,
          new BulkStore(redis, config.redisPrefix, config.idempotencyTtlSeconds),
        ),
        ...figuresHandlers(
          catalogue,
          new WorkflowFigures(redis, figureKeysOf, index, config.stuckAfterMs),
          clock,
        ),
        ...auditHandlers(auditTrail),
        ...circuitHandlers({ publisher, partitions: () => partitionCount(log, topics.commands), clock }),
        ...healthHandlers({ redis, publisher, projection, logger }),
        ...metricsHandlers(metrics),
      },
      access,
      bodyLimitBytes: config.http.bodyLimitBytes,
      limits: config.http.limits,
      logger,
      version: GATEWAY_VERSION,
    });
    closers.push(() => app.close());
    const feed = new LiveFeed(config.http.liveStreams ?? 100);
    closers.push(async () => feed.closeAll());
    const unfollow = projection.onRecord((projected) => feed.publish(projected));
    closers.push(async () => unfollow());
    registerUiRoutes(app, { assets: loadUiAssets(config.uiDir ?? DEFAULT_UI_DIR), access, feed });
    observeRequests(app, metrics);
    await app.ready();
    return {
      app,
      projection,
      readModel,
      index,
      metrics,
      listen: () => app.listen({ port: config.http.port, host: config.http.host }),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
