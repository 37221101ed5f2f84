// The gateway process: reads its configuration and the team's workflows (`--workflows <module>` or
// STATEWRIGHT_WORKFLOWS) once, starts the gateway, and closes it on SIGTERM or SIGINT.
import { createLogger } from '../platform/logging/logger';
import { loadTracingConfig } from '../platform/tracing/tracing-config';
import { startTracing } from '../platform/tracing/tracing';
import { BAD_MODULE_EXIT_CODE, ModuleError } from '../platform/workflows/module-error';
import { moduleArgument, WORKFLOWS_MODULE } from '../platform/workflows/module-argument';
import { loadWorkflows } from '../platform/workflows/workflows-module';
import { untilAvailable } from '../platform/health/dependency-wait';
import { Readiness } from '../platform/health/readiness';
import { StandbyServer } from '../platform/health/standby-server';
import { loadGatewayConfig } from './config/gateway-config';
import { startGateway } from './gateway';

async function main(): Promise<void> {
  const config = loadGatewayConfig(process.env);
  const tracing = startTracing(loadTracingConfig(process.env, 'statewright-gateway'));
  const logger = createLogger(config.logLevel, 'statewright-gateway');
  const registry = await loadWorkflows(moduleArgument(process.argv, process.env, WORKFLOWS_MODULE));
  // While Kafka, the registry or Redis are out of reach, the port answers 503 (and /healthz 200) and the gateway
  // tries again with a growing pause, instead of exiting and staying down.
  const readiness = new Readiness();
  const standby = await StandbyServer.listen(config.http.port, config.http.host, readiness);
  const starting = new AbortController();
  const early = () => {
    starting.abort();
    logger.info('gateway stopped before it started');
    process.exit(0);
  };
  process.once('SIGTERM', early);
  process.once('SIGINT', early);
  const gateway = await untilAvailable(
    'kafka, the schema registry and redis',
    () => startGateway(config, { logger, registry }),
    { logger, readiness, signal: starting.signal },
  );
  process.off('SIGTERM', early);
  process.off('SIGINT', early);
  await standby.close();
  const address = await gateway.listen();
  logger.info({ address, topicPrefix: config.topicPrefix, tracing: tracing.enabled }, 'gateway listening');
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'gateway stopping');
    gateway
      .close()
      .then(() => tracing.shutdown())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'gateway did not close cleanly');
          process.exit(1);
        },
      );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(
    `statewright gateway failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(error instanceof ModuleError ? BAD_MODULE_EXIT_CODE : 1);
});
