// Serves a gateway for the workflows of the definitions catalogue, configured from the environment: while Kafka, the registry or Redis
// are out of reach its port answers 503 (and /healthz 200) and it tries again with a growing pause; then it
// listens. Programmatic use and the gateway's process both start it here.
import { untilAvailable } from '../platform/health/dependency-wait';
import { Readiness } from '../platform/health/readiness';
import { StandbyServer } from '../platform/health/standby-server';
import { createLogger } from '../platform/logging/logger';
import type { RunningService, ServiceStart } from '../platform/process/service-process';
import { loadTracingConfig } from '../platform/tracing/tracing-config';
import { startTracing } from '../platform/tracing/tracing';
import { loadGatewayConfig } from './config/gateway-config';
import { startGateway } from './gateway';

export interface GatewayServe extends ServiceStart {
  /**
   * A workflows module named out of habit (`--workflows`, STATEWRIGHT_WORKFLOWS): not loaded, since the gateway
   * takes its workflows from the definitions catalogue; a warning says it was ignored.
   */
  readonly ignoredWorkflows?: string;
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
  if (options.ignoredWorkflows !== undefined) {
    logger.warn(
      { workflows: options.ignoredWorkflows },
      'the gateway does not load a workflows module: its workflows come from the definitions catalogue; ignored',
    );
  }
  const readiness = new Readiness();
  const standby = await StandbyServer.listen(config.http.port, config.http.host, readiness);
  const gateway = await untilAvailable(
    'kafka, the schema registry and redis',
    () => startGateway(config, { logger }),
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
