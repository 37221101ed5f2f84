// Serves a gateway for the given workflows, configured from the environment: while Kafka, the registry or Redis
// are out of reach its port answers 503 (and /healthz 200) and it tries again with a growing pause; then it
// listens. Programmatic use and the gateway's process both start it here.
import { untilAvailable } from '../platform/health/dependency-wait';
import { Readiness } from '../platform/health/readiness';
import { StandbyServer } from '../platform/health/standby-server';
import { createLogger } from '../platform/logging/logger';
import type { RunningService, ServiceStart } from '../platform/process/service-process';
import { registryOf, type Workflows } from '../platform/workflows/workflows-module';
import { loadTracingConfig } from '../platform/tracing/tracing-config';
import { startTracing } from '../platform/tracing/tracing';
import { loadGatewayConfig } from './config/gateway-config';
import { startGateway } from './gateway';

export interface GatewayServe extends ServiceStart {
  /** The workflows the gateway validates and shows. */
  readonly workflows: Workflows;
}

export interface ServedGateway extends RunningService {
  /** Where it listens, e.g. http://127.0.0.1:8080. */
  readonly address: string;
}

export async function serveGateway(options: GatewayServe): Promise<ServedGateway> {
  const env = options.env ?? process.env;
  const config = loadGatewayConfig(env);
  const tracing = startTracing(loadTracingConfig(env, 'statewright-gateway'));
  const logger = createLogger(config.logLevel, 'statewright-gateway');
  const registry = registryOf(options.workflows);
  const readiness = new Readiness();
  const standby = await StandbyServer.listen(config.http.port, config.http.host, readiness);
  const gateway = await untilAvailable(
    'kafka, the schema registry and redis',
    () => startGateway(config, { logger, registry }),
    { logger, readiness, signal: options.signal },
  ).finally(() => standby.close());
  const address = await gateway.listen();
  logger.info({ address, topicPrefix: config.topicPrefix, tracing: tracing.enabled }, 'gateway listening');
  return {
    address,
    stop: async () => {
      logger.info('gateway stopping');
      await gateway.close();
      await tracing.shutdown();
    },
  };
}
