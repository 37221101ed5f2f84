// The servers of statewright, to run programmatically: each takes a team's workflows or handlers and is configured
// from the environment, like `statewright orchestrator | worker | gateway` (apps/statewright.ts) does.
export {
  startOrchestrator,
  type OrchestratorStart,
  type RunningOrchestrator,
} from './orchestrator/start-orchestrator';
export { startWorkers, type WorkersStart, type RunningWorkers } from './worker/start-workers';
export { serveGateway, type GatewayServe, type ServedGateway } from './gateway/serve-gateway';
export type { RunningService, RunningWithHealth, ServiceStart } from './platform/process/service-process';
export type { Workflows } from './platform/workflows/workflows-module';
